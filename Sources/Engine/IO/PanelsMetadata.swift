import CKernels
import DuetCore

/// How a safetensors file says that some of its bf16 matrices are stored packed in panels
/// (``TensorLayout/bf16Panels``), so that inference maps them from the page cache ready to use instead
/// of packing a fresh copy at every load (docs/bf16-panels.md).
///
/// A packed `[out, in]` matrix is stored as an ordinary BF16 tensor of shape `[panels, in, 16]`
/// (`panels = ceil(out / 16)`, the last panel zero-padded), so the file stays valid safetensors that
/// any reader can open. The logical row count, which the padding hides, is recorded in `__metadata__`
/// under ``key`` as a JSON object from tensor name to `out`: `{"model.layers.0.mlp.down_proj.weight": 640}`.
/// transformers cannot use such a file (its shapes are not the model's); `duet convert --layout row-major`
/// writes the ordinary layout back.
public enum PanelsMetadata {
    /// The `__metadata__` key listing packed tensors.
    public static let key = "duet.bf16_panels"

    /// The physical (stored) shape of a packed `[rows, columns]` matrix.
    public static func storedShape(rows: Int, columns: Int) -> [Int] {
        [dk_bf16_panel_count(rows), columns, TensorLayout.panelWidth]
    }

    /// The metadata value for packed tensors with these logical row counts.
    static func encode(_ rowsByName: [(name: String, rows: Int)]) -> String {
        let sorted = rowsByName.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        return JSONWriter.string(.object(sorted.map { ($0.name, .int($0.rows)) }), indent: nil)
    }

    /// Row counts by tensor name from the metadata value; throws `badHeader` when it is not such an object.
    static func decode(_ value: String, file: String) throws -> [String: Int] {
        func bad(_ reason: String) -> CheckpointError { .badHeader(file: file, reason: "__metadata__ '\(key)': \(reason)") }
        let json: JSONValue
        do { json = try JSONParser.parse(Array(value.utf8)) } catch { throw bad("not valid JSON") }
        guard case let .object(members) = json else { throw bad("not an object of tensor names to row counts") }
        var rows: [String: Int] = [:]
        for (name, v) in members {
            guard case let .int(n) = v, n > 0 else { throw bad("'\(name)' has no positive row count") }
            rows[name] = n
        }
        return rows
    }

    /// Entries with the logical shape and layout of every tensor `value` lists; throws unless each listed
    /// tensor exists, is BF16 and has exactly the stored shape of its row count.
    static func apply(_ value: String, to entries: inout [SafeTensorsEntry], file: String) throws {
        var rows = try decode(value, file: file)
        for i in entries.indices {
            guard let n = rows.removeValue(forKey: entries[i].name) else { continue }
            let e = entries[i]
            guard e.dtypeName == "BF16", e.shape.count == 3, e.shape == storedShape(rows: n, columns: e.shape[1]) else {
                throw CheckpointError.badHeader(file: file, reason: "tensor '\(e.name)' is listed as \(n) rows packed in panels "
                                                + "but is \(e.dtypeName) \(e.shape), not BF16 [\(dk_bf16_panel_count(n)), in, 16]")
            }
            entries[i] = SafeTensorsEntry(name: e.name, dtypeName: e.dtypeName, shape: [n, e.shape[1]],
                                          byteRange: e.byteRange, layout: .bf16Panels)
        }
        if let missing = rows.keys.sorted().first {
            throw CheckpointError.badHeader(file: file, reason: "__metadata__ '\(key)' lists '\(missing)', which the file does not hold")
        }
    }
}
