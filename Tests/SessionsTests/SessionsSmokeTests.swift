import Testing
@testable import Sessions

@Suite struct SessionsSmokeTests {
    @Test func schemaVersionIsDefined() { #expect(SessionsInfo.schemaVersion >= 0) }
}
