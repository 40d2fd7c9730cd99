import Testing
@testable import TUI

@Suite struct KeyDecoderTests {
    func feed(_ inputs: [RawInput], decoder: inout KeyDecoder, at time: Double = 0) -> [InputEvent] {
        inputs.flatMap { decoder.feed($0, now: time) }
    }

    @Test func controlBytesBecomeChords() {
        #expect(KeyDecoder.chord(for: "\u{10}") == KeyChord(.character("p"), .ctrl))
        #expect(KeyDecoder.chord(for: "\r") == KeyChord(.enter))
        #expect(KeyDecoder.chord(for: "\n") == KeyChord(.character("j"), .ctrl))
        #expect(KeyDecoder.chord(for: "\u{7F}") == KeyChord(.backspace))
        #expect(KeyDecoder.chord(for: "\u{11}") == KeyChord(.character("q"), .ctrl))
        #expect(KeyDecoder.chord(for: "é") == KeyChord(.character("é")))
    }

    @Test func escapeThenKeyIsAlt() {
        var d = KeyDecoder(escapeWindow: 0.5)
        #expect(feed([.scalar("\u{1B}"), .scalar("2")], decoder: &d) == [.key(KeyChord(.character("2"), .alt))])
        #expect(feed([.scalar("\u{1B}"), .scalar("\r")], decoder: &d) == [.key(KeyChord(.enter, .alt))])
        #expect(feed([.scalar("\u{1B}"), .key(KeyChord(.left))], decoder: &d) == [.key(KeyChord(.left, .alt))])
    }

    @Test func loneEscapeIsReleasedAfterTheWindow() {
        var d = KeyDecoder(escapeWindow: 0.5)
        #expect(d.feed(.scalar("\u{1B}"), now: 10).isEmpty)
        #expect(d.deadline == 10.5)
        #expect(d.flush(now: 10.2).isEmpty)
        #expect(d.flush(now: 10.5) == [.key(KeyChord(.escape))])
        #expect(d.deadline == nil)
        // A key after the window is not combined.
        _ = d.feed(.scalar("\u{1B}"), now: 20)
        #expect(d.feed(.scalar("2"), now: 21) == [.key(KeyChord(.escape)), .key(KeyChord(.character("2")))])
    }

    @Test func doubleEscape() {
        var d = KeyDecoder()
        #expect(feed([.scalar("\u{1B}"), .scalar("\u{1B}")], decoder: &d) == [.key(KeyChord(.escape))])
        #expect(d.flush(now: 100) == [.key(KeyChord(.escape))])
    }

    @Test func bracketedPasteIsOneVerbatimEvent() {
        var d = KeyDecoder()
        let text = "line 1\r\nline 2\rlast \u{1B}x 你好"
        let inputs: [RawInput] = [.pasteStart] + text.unicodeScalars.map { .scalar($0) } + [.pasteEnd, .scalar("z")]
        #expect(feed(inputs, decoder: &d) == [.paste("line 1\nline 2\nlast \u{1B}x 你好"), .key(KeyChord(.character("z")))])
    }

    @Test func resizePassesThrough() {
        var d = KeyDecoder()
        #expect(d.feed(.resize, now: 0) == [.resize])
    }

    @Test func cursesExtendedKeyNames() {
        #expect(CursesKeys.decode(extendedName: "kRIT5") == .key(KeyChord(.right, .ctrl)))
        #expect(CursesKeys.decode(extendedName: "kUP3") == .key(KeyChord(.up, .alt)))
        #expect(CursesKeys.decode(extendedName: "kEND6") == .key(KeyChord(.end, [.ctrl, .shift])))
        #expect(CursesKeys.decode(extendedName: "kxIN") == nil)
    }
}
