# The two commands: `make run` sets up and opens Duet; `make test` runs the test suite.
.PHONY: run test deps release

deps:
	@bash tools/install-deps.sh

release: deps
	swift build -c release --product duet

# Opens the chat on the bundled encoder-decoder model (assets/models/duet-mini-mini-it), with the
# bundled decoder-only model (duet-mini-it) as its compare partner. `duet models demo` does nothing
# when a model is found; only without any (assets removed) it makes a tiny random-weight pair.
run: release
	.build/release/duet models demo
	.build/release/duet $(ARGS)

# Build once (with the test targets), then run the suite once without rebuilding.
# Swift Testing is the one framework; XCTest is disabled so the last line counts the real tests.
test: deps
	swift build --build-tests
	swift test --skip-build --disable-xctest
