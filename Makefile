# The two commands: `make run` sets up and opens Duet; `make test` runs the test suite.
.PHONY: run test deps release

deps:
	@bash tools/install-deps.sh

release: deps
	swift build -c release --product duet

# Until Duet's trained default models exist, `duet models demo` makes a tiny RANDOM-weight pair in
# $DUET_HOME/models when no model is found (the UI labels them "random weights"); it does nothing otherwise.
run: release
	.build/release/duet models demo
	.build/release/duet $(ARGS)

# Build once (with the test targets), then run the suite once without rebuilding.
# Swift Testing is the one framework; XCTest is disabled so the last line counts the real tests.
test: deps
	swift build --build-tests
	swift test --skip-build --disable-xctest
