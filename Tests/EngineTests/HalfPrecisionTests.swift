import Testing
@testable import Engine

@Suite struct HalfPrecisionTests {
    @Test func bf16RoundsToNearestEven() {
        // 1 + 2^-8 is exactly halfway between bf16 1.0 and 1.0078125: ties go to the even mantissa (1.0).
        #expect(HalfPrecision.floatToBF16(1 + 0x1p-8) == 0x3f80)
        // 1 + 3*2^-8 is halfway between 1.0078125 (odd) and 1.015625 (even): rounds up.
        #expect(HalfPrecision.floatToBF16(1 + 3 * 0x1p-8) == 0x3f82)
        #expect(HalfPrecision.floatToBF16(1 + 0x1p-8 + 0x1p-20) == 0x3f81)
        #expect(HalfPrecision.floatToBF16(-2) == 0xc000)
        #expect(HalfPrecision.floatToBF16(.infinity) == 0x7f80)
        #expect(HalfPrecision.floatToBF16(.greatestFiniteMagnitude) == 0x7f80) // overflows to inf
        #expect(HalfPrecision.bf16ToFloat(HalfPrecision.floatToBF16(.nan)).isNaN)
        #expect(HalfPrecision.bf16ToFloat(0x3f80) == 1)
    }

    @Test func f16MatchesSwiftFloat16Everywhere() {
        // Swift's Float16 conversion is IEEE round-to-nearest-even: compare on every half value and
        // on floats around every rounding boundary.
        for bits in 0...UInt16.max {
            let h = Float16(bitPattern: bits)
            let f = HalfPrecision.f16ToFloat(bits)
            if h.isNaN { #expect(f.isNaN); continue }
            #expect(f == Float(h), "widen \(bits)")
            #expect(HalfPrecision.floatToF16(f) == bits, "narrow \(bits)")
            let up = f.nextUp, mid = (Double(f) + Double(Float(Float16(bitPattern: bits &+ 1)))) / 2
            #expect(HalfPrecision.floatToF16(up) == Float16(up).bitPattern, "next up of \(bits)")
            if !mid.isNaN && mid.isFinite {
                let m = Float(mid)
                #expect(HalfPrecision.floatToF16(m) == Float16(m).bitPattern, "midpoint above \(bits)")
            }
        }
    }

    @Test func bf16BulkMatchesScalar() {
        var values: [Float] = (0..<1000).map { Float($0) * 0.37 - 100 }
        values += [0, -0, .infinity, -.infinity, .leastNonzeroMagnitude, 3.3895314e38]
        let t = Tensor(shape: [values.count], values: values)
        let b = t.converted(to: .bf16)
        for i in 0..<values.count { #expect(b.u16[i] == HalfPrecision.floatToBF16(values[i])) }
        let back = b.converted(to: .f32).toArray()
        for i in 0..<values.count { #expect(back[i] == HalfPrecision.bf16ToFloat(b.u16[i])) }
    }
}
