/// Train: the training dashboard. Runs are not connected yet, so it says so and where it will look.
public final class TrainScreen: Screen {
    public let id = ScreenID.train

    public init() {}

    public var keyContexts: [KeyContext] { [.view] }
    public var acceptsText: Bool { false }

    public func perform(_ action: String, context: ScreenContext) -> ScreenRequest? { nil }

    public func insert(_ text: String, context: ScreenContext) -> ScreenRequest { .none }

    public func draw(in rect: Rect, grid: inout CellGrid, context: ScreenContext) {
        drawCenteredMessage([
            StyledLine("No training runs to show.", Style(.title, [.bold])),
            StyledLine(),
            StyledLine("The dashboard is not connected to a run database in this build.", Style(.dim)),
            StyledLine("Database: \(context.paths.database)", Style(.dim)),
        ], in: rect, grid: &grid)
    }
}
