import Testing
@testable import TUI

@Suite struct CellGridTests {
    @Test func putClipsAndKeepsWideCharactersWhole() {
        var grid = CellGrid(width: 6, height: 1)
        #expect(grid.put("ab你好", x: 0, y: 0) == 6)
        #expect(grid.text(row: 0) == "ab你好")
        #expect(grid[3, 0].isContinuation)
        grid.clear()
        grid.put("a你好", x: 2, y: 0)  // 好 would straddle the edge: a blank instead
        #expect(grid.text(row: 0) == "  a你 ")
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var grid = CellGrid(width: 4, height: 1)
        grid.put("你好", x: 0, y: 0)
        grid.put("x", x: 1, y: 0)  // lands on 你's right half
        #expect(grid.text(row: 0) == " x好")
        grid.put("y", x: 2, y: 0)  // lands on 好's left half
        #expect(grid.text(row: 0) == " xy ")
    }

    @Test func boxWithTitle() {
        var grid = CellGrid(width: 12, height: 3)
        grid.drawBox(grid.bounds, glyphs: .unicode, title: "Hi")
        #expect(grid.plainText == "╭─ Hi ─────╮\n│          │\n╰──────────╯")
        grid.clear()
        grid.drawBox(grid.bounds, glyphs: .ascii)
        #expect(grid.text(row: 0) == "+----------+")
    }
}

@Suite struct TextViewTests {
    func lines(_ n: Int) -> WrappedText { WrappedText((0..<n).map { StyledLine("line \($0)") }) }

    @Test func followsTheTailWhileAtTheBottom() {
        var content = lines(10)
        var view = TextView()
        var grid = CellGrid(width: 30, height: 3)
        view.draw(&content, in: grid.bounds, grid: &grid, glyphs: .unicode)
        #expect(grid.plainText == "line 7\nline 8\nline 9")
        content.setLines((0..<12).map { StyledLine("line \($0)") })
        view.draw(&content, in: grid.bounds, grid: &grid, glyphs: .unicode)
        #expect(grid.text(row: 2).hasPrefix("line 11"))
    }

    @Test func scrolledUpItStaysAndMarksNewContent() {
        var content = lines(10)
        var view = TextView()
        var grid = CellGrid(width: 40, height: 3)
        view.draw(&content, in: grid.bounds, grid: &grid, glyphs: .unicode)
        view.scroll(by: -2)
        view.draw(&content, in: grid.bounds, grid: &grid, glyphs: .unicode)
        #expect(grid.text(row: 0).hasPrefix("line 5"))
        #expect(grid.plainText.hasSuffix("↓ 2 more lines (End)"))
        content.setLines((0..<15).map { StyledLine("line \($0)") })
        view.draw(&content, in: grid.bounds, grid: &grid, glyphs: .unicode)
        #expect(grid.text(row: 0).hasPrefix("line 5"))
        #expect(view.hasUnseenContent)
        #expect(grid.plainText.hasSuffix("↓ new content below (End)"))
        view.scrollToBottom()
        view.draw(&content, in: grid.bounds, grid: &grid, glyphs: .unicode)
        #expect(grid.plainText == "line 12\nline 13\nline 14")
        #expect(view.isFollowingTail && !view.hasUnseenContent)
    }

    @Test func scrollingBackToTheBottomResumesFollowing() {
        var content = lines(10)
        var view = TextView()
        var grid = CellGrid(width: 30, height: 4)
        view.draw(&content, in: grid.bounds, grid: &grid, glyphs: .unicode)
        view.pageUp()
        #expect(!view.isFollowingTail)
        view.pageDown()
        #expect(view.isFollowingTail)
    }

    @Test func streamsMarkdownThroughTheView() {
        var doc = MarkdownDocument(glyphs: .unicode)
        var view = TextView()
        var grid = CellGrid(width: 20, height: 4)
        for delta in ["# He", "llo\n**wo", "rld** and `x`\n"] {
            doc.append(delta)
            view.draw(&doc, in: grid.bounds, grid: &grid, glyphs: .unicode)
        }
        #expect(grid.plainText == "Hello\nworld and x\n\n")
        #expect(grid[0, 1].style == Style(.normal, .bold))
        #expect(grid[10, 1].style == Style(.code))
    }
}

@Suite struct SmallWidgetTests {
    @Test func listKeepsTheSelectionVisible() {
        var list = ListView()
        var grid = CellGrid(width: 10, height: 3)
        let items = (0..<10).map { StyledLine("item \($0)") }
        list.move(by: 5, count: items.count)
        list.draw(items, in: grid.bounds, grid: &grid)
        #expect(grid.plainText == "item 3\nitem 4\nitem 5")
        #expect(grid[0, 2].style.role == .selection)
        list.draw([], in: grid.bounds, grid: &grid, emptyText: "nothing")
        #expect(grid.plainText == " nothing\n\n")
    }

    @Test func statusBarDropsLowPrioritySegmentsAndShrinksPaths() {
        let bar = StatusBar(left: [StatusBar.Segment("model x", priority: 5), StatusBar.Segment("threads 2", priority: 1),
                                   StatusBar.Segment(StyledLine("/very/long/path/to/duet.sqlite"), priority: 2, minimumWidth: 12)],
                            right: [StatusBar.Segment("F1 help", priority: 4)])
        var grid = CellGrid(width: 60, height: 1)
        bar.draw(in: grid.bounds, grid: &grid, glyphs: .unicode)
        #expect(grid.text(row: 0) == " model x │ threads 2 │ …ry/long/path/to/duet.sqlite F1 help ")  // shrunk by 2
        grid = CellGrid(width: 40, height: 1)
        bar.draw(in: grid.bounds, grid: &grid, glyphs: .unicode)
        #expect(grid.text(row: 0) == " model x │ …duet.sqlite         F1 help ")  // shrunk to its minimum, then a drop
        grid = CellGrid(width: 20, height: 1)
        bar.draw(in: grid.bounds, grid: &grid, glyphs: .unicode)
        #expect(grid.text(row: 0) == " model x    F1 help ")
    }

    @Test func progressBarUsesEighthBlocks() {
        var grid = CellGrid(width: 10, height: 1)
        ProgressBar(fraction: 0.55, label: "55%").draw(in: grid.bounds, grid: &grid, glyphs: .unicode)
        #expect(grid.text(row: 0) == "███▎·· 55%")  // 6 cells * 0.55 = 3.3 cells
        ProgressBar(fraction: 0.5).draw(in: grid.bounds, grid: &grid, glyphs: .ascii)
        #expect(grid.text(row: 0) == "#####.....")
        ProgressBar(fraction: .nan).draw(in: grid.bounds, grid: &grid, glyphs: .ascii)
        #expect(grid.text(row: 0) == "..........")
    }

    @Test func overlayIsCentredAndCleared() {
        var grid = CellGrid(width: 20, height: 7, fill: Cell("x"))
        let inner = Overlay.frame(in: grid.bounds, width: 10, height: 5, title: "T", grid: &grid, glyphs: .ascii)
        #expect(inner == Rect(x: 7, y: 2, width: 6, height: 3))
        #expect(grid.text(row: 1) == "xxxxx+- T ----+xxxxx")
        #expect(grid.text(row: 2) == "xxxxx|        |xxxxx")
    }

    @Test func fuzzyMatchPrefersWordStartsAndRuns() throws {
        #expect(FuzzyMatch.match("gtm", in: "Go to Models") != nil)
        #expect(FuzzyMatch.match("xyz", in: "Go to Models") == nil)
        let models = try #require(FuzzyMatch.match("mod", in: "Go to Models"))
        #expect(models.positions == [6, 7, 8])
        let a = try #require(FuzzyMatch.match("quit", in: "Quit Duet")).score
        let b = try #require(FuzzyMatch.match("quit", in: "Toggle the quiet input terminal")).score
        #expect(a > b)
    }
}
