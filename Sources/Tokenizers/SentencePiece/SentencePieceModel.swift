/// The parts of SentencePiece's `ModelProto` (sentencepiece_model.proto) that encoding and decoding use.
/// Field numbers: ModelProto{pieces=1, trainer_spec=2, normalizer_spec=3}, SentencePiece{piece=1,
/// score=2, type=3}, TrainerSpec{model_type=3, vocab_size=4, treat_whitespace_as_suffix=24,
/// split_digits=25, byte_fallback=35, unk_id..pad_id=40..43, unk_surface=44, unk/bos/eos/pad_piece=45..48},
/// NormalizerSpec{name=1, precompiled_charsmap=2, add_dummy_prefix=3, remove_extra_whitespaces=4,
/// escape_whitespaces=5}. Absent fields take the proto2 defaults declared there.
struct SentencePieceModel {
    enum PieceType: Int {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    struct Piece {
        var text: String
        var score: Float
        var type: PieceType
    }

    enum ModelType: Int { case unigram = 1, bpe = 2, word = 3, char = 4 }

    struct TrainerSpec {
        var modelType: Int = 1
        var vocabSize: Int = 8000
        var treatWhitespaceAsSuffix = false
        var splitDigits = false
        var byteFallback = false
        var unkID: Int = 0, bosID: Int = 1, eosID: Int = 2, padID: Int = -1
        var unkSurface = " \u{2047} "
        var unkPiece = "<unk>", bosPiece = "<s>", eosPiece = "</s>", padPiece = "<pad>"
    }

    struct NormalizerSpec {
        var name = ""
        var precompiledCharsmap: [UInt8] = []
        var addDummyPrefix = true
        var removeExtraWhitespaces = true
        var escapeWhitespaces = true
    }

    var pieces: [Piece] = []
    var trainer = TrainerSpec()
    var normalizer = NormalizerSpec()

    /// Parses serialized `ModelProto` bytes; `file` names the source in errors.
    init(bytes: [UInt8], file: String) throws {
        var reader = ProtobufReader(bytes: bytes, file: file, context: "ModelProto")
        var sawTrainer = false
        while let (field, wire, at) = try reader.readTag() {
            switch field {
            case 1:
                try reader.expect(wire, .lengthDelimited, field: "ModelProto.pieces[\(pieces.count)]", at: at)
                var message = try reader.readMessage(context: "ModelProto.pieces[\(pieces.count)]")
                pieces.append(try Self.parsePiece(&message))
            case 2:
                try reader.expect(wire, .lengthDelimited, field: "ModelProto.trainer_spec", at: at)
                var message = try reader.readMessage(context: "TrainerSpec")
                trainer = try Self.parseTrainer(&message)
                sawTrainer = true
            case 3:
                try reader.expect(wire, .lengthDelimited, field: "ModelProto.normalizer_spec", at: at)
                var message = try reader.readMessage(context: "NormalizerSpec")
                normalizer = try Self.parseNormalizer(&message)
            default:
                try reader.skip(wire, field: field)
            }
        }
        guard !pieces.isEmpty else { throw TokenizerError.missingField(file: file, field: "ModelProto.pieces (no vocabulary)") }
        guard sawTrainer else { throw TokenizerError.missingField(file: file, field: "ModelProto.trainer_spec") }
    }

    private static func parsePiece(_ reader: inout ProtobufReader) throws -> Piece {
        var piece = Piece(text: "", score: 0, type: .normal)
        var sawText = false
        let name = reader.context
        while let (field, wire, at) = try reader.readTag() {
            switch field {
            case 1:
                try reader.expect(wire, .lengthDelimited, field: "\(name).piece", at: at)
                piece.text = try reader.readString(field: "\(name).piece")
                sawText = true
            case 2:
                try reader.expect(wire, .fixed32, field: "\(name).score", at: at)
                piece.score = Float(bitPattern: try reader.readFixed32(field: "\(name).score"))
            case 3:
                try reader.expect(wire, .varint, field: "\(name).type", at: at)
                let raw = try reader.readVarint(field: "\(name).type")
                guard let type = PieceType(rawValue: Int(truncatingIfNeeded: raw)) else {
                    throw reader.error("unknown piece type \(raw)", at: at, field: "\(name).type")
                }
                piece.type = type
            default:
                try reader.skip(wire, field: field)
            }
        }
        guard sawText else { throw reader.error("piece has no text", field: name) }
        return piece
    }

    private static func parseTrainer(_ reader: inout ProtobufReader) throws -> TrainerSpec {
        var spec = TrainerSpec()
        func int(_ reader: inout ProtobufReader, _ wire: ProtobufReader.WireType, _ name: String, _ at: Int) throws -> Int {
            try reader.expect(wire, .varint, field: "TrainerSpec.\(name)", at: at)
            // int32 fields: negative values are sign-extended to 10-byte varints.
            return Int(Int32(truncatingIfNeeded: try reader.readVarint(field: "TrainerSpec.\(name)")))
        }
        func bool(_ reader: inout ProtobufReader, _ wire: ProtobufReader.WireType, _ name: String, _ at: Int) throws -> Bool {
            try reader.expect(wire, .varint, field: "TrainerSpec.\(name)", at: at)
            return try reader.readVarint(field: "TrainerSpec.\(name)") != 0
        }
        func string(_ reader: inout ProtobufReader, _ wire: ProtobufReader.WireType, _ name: String, _ at: Int) throws -> String {
            try reader.expect(wire, .lengthDelimited, field: "TrainerSpec.\(name)", at: at)
            return try reader.readString(field: "TrainerSpec.\(name)")
        }
        while let (field, wire, at) = try reader.readTag() {
            switch field {
            case 3: spec.modelType = try int(&reader, wire, "model_type", at)
            case 4: spec.vocabSize = try int(&reader, wire, "vocab_size", at)
            case 24: spec.treatWhitespaceAsSuffix = try bool(&reader, wire, "treat_whitespace_as_suffix", at)
            case 25: spec.splitDigits = try bool(&reader, wire, "split_digits", at)
            case 35: spec.byteFallback = try bool(&reader, wire, "byte_fallback", at)
            case 40: spec.unkID = try int(&reader, wire, "unk_id", at)
            case 41: spec.bosID = try int(&reader, wire, "bos_id", at)
            case 42: spec.eosID = try int(&reader, wire, "eos_id", at)
            case 43: spec.padID = try int(&reader, wire, "pad_id", at)
            case 44: spec.unkSurface = try string(&reader, wire, "unk_surface", at)
            case 45: spec.unkPiece = try string(&reader, wire, "unk_piece", at)
            case 46: spec.bosPiece = try string(&reader, wire, "bos_piece", at)
            case 47: spec.eosPiece = try string(&reader, wire, "eos_piece", at)
            case 48: spec.padPiece = try string(&reader, wire, "pad_piece", at)
            default: try reader.skip(wire, field: field)
            }
        }
        return spec
    }

    private static func parseNormalizer(_ reader: inout ProtobufReader) throws -> NormalizerSpec {
        var spec = NormalizerSpec()
        func bool(_ reader: inout ProtobufReader, _ wire: ProtobufReader.WireType, _ name: String, _ at: Int) throws -> Bool {
            try reader.expect(wire, .varint, field: "NormalizerSpec.\(name)", at: at)
            return try reader.readVarint(field: "NormalizerSpec.\(name)") != 0
        }
        while let (field, wire, at) = try reader.readTag() {
            switch field {
            case 1:
                try reader.expect(wire, .lengthDelimited, field: "NormalizerSpec.name", at: at)
                spec.name = try reader.readString(field: "NormalizerSpec.name")
            case 2:
                try reader.expect(wire, .lengthDelimited, field: "NormalizerSpec.precompiled_charsmap", at: at)
                spec.precompiledCharsmap = try reader.readBytes(field: "NormalizerSpec.precompiled_charsmap")
            case 3: spec.addDummyPrefix = try bool(&reader, wire, "add_dummy_prefix", at)
            case 4: spec.removeExtraWhitespaces = try bool(&reader, wire, "remove_extra_whitespaces", at)
            case 5: spec.escapeWhitespaces = try bool(&reader, wire, "escape_whitespaces", at)
            default: try reader.skip(wire, field: field)
            }
        }
        return spec
    }
}
