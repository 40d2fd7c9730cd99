import Testing
@testable import TUI

@Suite struct InputEditorTests {
    func editor(_ text: String) -> InputEditor {
        var e = InputEditor()
        e.insert(text)
        return e
    }

    @Test func insertsAndMovesByCluster() {
        var e = editor("a你👨‍👩‍👧b")
        #expect(e.characters.count == 4)
        e.perform(.left)
        e.perform(.left)
        e.perform(.backspace)  // deletes 你
        #expect(e.text == "a👨‍👩‍👧b")
        e.perform(.deleteForward)  // deletes the whole family
        #expect(e.text == "ab")
    }

    @Test func scalarsTypedOneByOneJoinTheirCluster() {
        var e = InputEditor()
        for s in ["e", "\u{301}", " ", "👨", "\u{200D}", "👩", "\u{200D}", "👧"] { e.insert(s) }
        #expect(e.characters == ["é", " ", "👨‍👩‍👧"])
        #expect(e.cursor == 3)
    }

    @Test func homeEndAndEmacsKeys() {
        var e = editor("hello world")
        e.perform(.lineStart)
        #expect(e.cursor == 0)
        e.perform(.lineEnd)
        #expect(e.cursor == 11)
        e.perform(.deleteWordBack)  // Ctrl+W
        #expect(e.text == "hello ")
        e.insert("there")
        e.perform(.wordLeft)
        #expect(e.cursor == 6)
        e.perform(.killToLineEnd)  // Ctrl+K
        #expect(e.text == "hello ")
        e.perform(.killToLineStart)  // Ctrl+U
        #expect(e.text == "" && e.cursor == 0)
    }

    @Test func wordMoves() {
        var e = editor("one, two three")
        e.perform(.lineStart)
        e.perform(.wordRight)
        #expect(e.cursor == 3)
        e.perform(.wordRight)
        #expect(e.cursor == 8)
        e.perform(.wordLeft)
        #expect(e.cursor == 5)
    }

    @Test func multilineUpDownKeepTheColumn() {
        var e = editor("first line\nab\nthird line")
        e.perform(.up)  // cursor at column 10 of line 3 -> line 2 end (column 2)
        #expect(e.cursor == 13)
        e.perform(.up)  // goal column 10 remembered
        #expect(e.cursor == 10)
        e.perform(.down)
        e.perform(.down)
        #expect(e.cursor == e.characters.count)
    }

    @Test func killAtEndOfLineJoinsLines() {
        var e = editor("ab\ncd")
        e.perform(.up)
        e.perform(.killToLineEnd)
        #expect(e.text == "abcd")
    }

    @Test func historyRecallKeepsTheDraft() {
        var e = InputEditor()
        e.insert("first")
        #expect(e.perform(.submit) == "first")
        e.insert("second")
        e.perform(.submit)
        e.insert("draft")
        e.perform(.up)
        #expect(e.text == "second")
        e.perform(.up)
        #expect(e.text == "first")
        e.perform(.up)
        #expect(e.text == "first")
        e.perform(.down)
        e.perform(.down)
        #expect(e.text == "draft")
        #expect(e.history == ["first", "second"])
    }

    @Test func pasteIsVerbatimWithNewlines() {
        var e = InputEditor()
        e.insert("line1\r\nline2\rline3\tend\u{1B}[31m")
        #expect(e.text == "line1\nline2\nline3\tend[31m")
    }

    @Test func newlineCommandInsertsALineBreak() {
        var e = editor("ab")
        e.perform(.left)
        e.perform(.newline)
        #expect(e.text == "a\nb")
    }

    @Test func layoutWrapsByDisplayWidthAndPlacesTheCursor() {
        var e = editor("你好世界ab")
        var layout = e.layout(width: 5)
        #expect(layout.rows.map { String(e.characters[$0.start..<$0.end]) } == ["你好", "世界a", "b"])
        #expect(layout.cursorRow == 2 && layout.cursorColumn == 1)
        e = editor("abcde")
        layout = e.layout(width: 5)  // cursor after a full row moves to the next row
        #expect(layout.rows.count == 2 && layout.cursorRow == 1 && layout.cursorColumn == 0)
    }

    @Test func layoutWrapsAtWordsAndKeepsTheCursorOnItsCharacter() {
        func rows(_ e: InputEditor, _ width: Int) -> [String] {
            e.layout(width: width).rows.map { String(e.characters[$0.start..<$0.end]) }
        }
        var e = editor("hello wide world")
        #expect(rows(e, 10) == ["hello wide ", "world"])  // not "hello wide", " world" cut as "wor" / "ld"
        var layout = e.layout(width: 10)
        #expect(layout.cursorRow == 1 && layout.cursorColumn == 5)
        for _ in 0..<5 { e.perform(.left) }  // before "world": the start of its row
        layout = e.layout(width: 10)
        #expect(layout.cursorRow == 1 && layout.cursorColumn == 0)
        e.perform(.left)  // on the space hanging past the edge: a row of its own while the cursor is there
        layout = e.layout(width: 10)
        #expect(layout.cursorRow == 1 && layout.cursorColumn == 0 && layout.rows.count == 3)
        for _ in 0..<3 { e.perform(.left) }  // between "w" and "ide"
        layout = e.layout(width: 10)
        #expect(layout.cursorRow == 0 && layout.cursorColumn == 7 && rows(e, 10) == ["hello wide ", "world"])

        e = editor("a supercalifragilistic word")  // a word longer than the row is cut where it must be
        #expect(rows(e, 8) == ["a ", "supercal", "ifragili", "stic ", "word"])
        e = editor("one two\nthree")  // source lines still start rows
        #expect(rows(e, 5) == ["one ", "two", "three", ""])  // the last: the cursor after a full row
    }

    @Test func drawWrapsAtWordsAndPlacesTheTerminalCursor() {
        var e = editor("the quick brown fox")
        var grid = CellGrid(width: 12, height: 2)
        e.draw(in: grid.bounds, grid: &grid, focused: true)  // "> " then 10 columns of text
        #expect(grid.text(row: 0) == "> the quick ")
        #expect(grid.text(row: 1) == "  brown fox ")
        #expect(grid.cursor?.x == 11 && grid.cursor?.y == 1)
    }

    @Test func drawShowsPromptTextAndCursor() {
        var e = editor("hi 你好")
        var grid = CellGrid(width: 12, height: 2)
        e.draw(in: grid.bounds, grid: &grid, focused: true)
        #expect(grid.text(row: 0) == "> hi 你好   ")
        #expect(grid.cursor?.x == 9 && grid.cursor?.y == 0)
    }
}
