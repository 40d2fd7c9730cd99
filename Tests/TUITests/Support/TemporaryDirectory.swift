// The shared `TemporaryDirectory` (Tests/TestSupport), visible to every file of this target.
@_exported import TestSupport
