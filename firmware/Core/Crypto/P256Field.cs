namespace AssetMeter.Firmware.Crypto
{
    /// <summary>
    /// Arithmetic modulo the P-256 prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1 (FIPS 186-4 §D.1.2.3), on elements held as
    /// <c>uint[8]</c>, least significant limb first, always fully reduced (below p).
    /// </summary>
    /// <remarks>
    /// The operations that need no working storage are static; <see cref="Invert"/> and <see cref="IsOnCurve"/> use
    /// scratch arrays owned by the instance, so nothing is allocated after construction. Results may alias operands.
    /// Operands must be reduced, as <see cref="TryRead"/> and every operation here leave them. Variable-time: for
    /// verification, where all values are public. An instance is not thread-safe.
    /// </remarks>
    public sealed class P256Field
    {
        /// <summary>Number of 32-bit limbs in an element.</summary>
        public const int Limbs = UInt256.Limbs;

        /// <summary>The prime p.</summary>
        internal static readonly uint[] Prime = { 0xffffffff, 0xffffffff, 0xffffffff, 0x00000000, 0x00000000, 0x00000000, 0x00000001, 0xffffffff };

        /// <summary>The curve coefficient b of y² = x³ - 3x + b (FIPS 186-4 §D.1.2.3).</summary>
        internal static readonly uint[] CurveB = { 0x27d2604b, 0x3bce3c3e, 0xcc53b0f6, 0x651d06b0, 0x769886bc, 0xb3ebbd55, 0xaa3a93e7, 0x5ac635d8 };

        private readonly uint[] _u = new uint[Limbs];
        private readonly uint[] _v = new uint[Limbs];
        private readonly uint[] _x1 = new uint[Limbs];
        private readonly uint[] _x2 = new uint[Limbs];

        /// <summary>Reads a 32-byte big-endian integer; false (and a meaningless result) if it is not below p.</summary>
        public static bool TryRead(byte[] source, int offset, uint[] result)
        {
            UInt256.FromBigEndian(source, offset, result);
            return UInt256.Compare(result, Prime) < 0;
        }

        /// <summary>Writes an element as 32 big-endian bytes.</summary>
        public static void Write(uint[] value, byte[] output, int offset)
        {
            UInt256.ToBigEndian(value, output, offset);
        }

        /// <summary>True if the element is zero.</summary>
        public static bool IsZero(uint[] value)
        {
            return UInt256.IsZero(value);
        }

        /// <summary>True if the two elements are equal.</summary>
        public static bool AreEqual(uint[] left, uint[] right)
        {
            return UInt256.Compare(left, right) == 0;
        }

        /// <summary><paramref name="result"/> = <paramref name="left"/> + <paramref name="right"/> mod p.</summary>
        public static void Add(uint[] result, uint[] left, uint[] right)
        {
            uint carry = UInt256.Add(result, left, right);
            if (carry != 0 || UInt256.Compare(result, Prime) >= 0)
            {
                UInt256.Subtract(result, result, Prime);
            }
        }

        /// <summary><paramref name="result"/> = <paramref name="left"/> - <paramref name="right"/> mod p.</summary>
        public static void Subtract(uint[] result, uint[] left, uint[] right)
        {
            if (UInt256.Subtract(result, left, right) != 0)
            {
                UInt256.Add(result, result, Prime);
            }
        }

        /// <summary><paramref name="result"/> = -<paramref name="value"/> mod p.</summary>
        public static void Negate(uint[] result, uint[] value)
        {
            if (UInt256.IsZero(value))
            {
                UInt256.Set(result, 0);
            }
            else
            {
                UInt256.Subtract(result, Prime, value);
            }
        }

        /// <summary><paramref name="result"/> = <paramref name="left"/> × <paramref name="right"/> mod p.</summary>
        public static void Multiply(uint[] result, uint[] left, uint[] right)
        {
            // Schoolbook product into locals, unrolled: on the interpreter, locals are much cheaper than array
            // elements and loop control, and this is where verification spends its time.
            uint a0 = left[0], a1 = left[1], a2 = left[2], a3 = left[3], a4 = left[4], a5 = left[5], a6 = left[6], a7 = left[7];
            uint b0 = right[0], b1 = right[1], b2 = right[2], b3 = right[3], b4 = right[4], b5 = right[5], b6 = right[6], b7 = right[7];
            uint c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15;
            ulong t;

            t = (ulong)a0 * b0; c0 = (uint)t; t >>= 32;
            t += (ulong)a0 * b1; c1 = (uint)t; t >>= 32;
            t += (ulong)a0 * b2; c2 = (uint)t; t >>= 32;
            t += (ulong)a0 * b3; c3 = (uint)t; t >>= 32;
            t += (ulong)a0 * b4; c4 = (uint)t; t >>= 32;
            t += (ulong)a0 * b5; c5 = (uint)t; t >>= 32;
            t += (ulong)a0 * b6; c6 = (uint)t; t >>= 32;
            t += (ulong)a0 * b7; c7 = (uint)t; t >>= 32;
            c8 = (uint)t;

            t = ((ulong)a1 * b0) + c1; c1 = (uint)t; t >>= 32;
            t += ((ulong)a1 * b1) + c2; c2 = (uint)t; t >>= 32;
            t += ((ulong)a1 * b2) + c3; c3 = (uint)t; t >>= 32;
            t += ((ulong)a1 * b3) + c4; c4 = (uint)t; t >>= 32;
            t += ((ulong)a1 * b4) + c5; c5 = (uint)t; t >>= 32;
            t += ((ulong)a1 * b5) + c6; c6 = (uint)t; t >>= 32;
            t += ((ulong)a1 * b6) + c7; c7 = (uint)t; t >>= 32;
            t += ((ulong)a1 * b7) + c8; c8 = (uint)t; t >>= 32;
            c9 = (uint)t;

            t = ((ulong)a2 * b0) + c2; c2 = (uint)t; t >>= 32;
            t += ((ulong)a2 * b1) + c3; c3 = (uint)t; t >>= 32;
            t += ((ulong)a2 * b2) + c4; c4 = (uint)t; t >>= 32;
            t += ((ulong)a2 * b3) + c5; c5 = (uint)t; t >>= 32;
            t += ((ulong)a2 * b4) + c6; c6 = (uint)t; t >>= 32;
            t += ((ulong)a2 * b5) + c7; c7 = (uint)t; t >>= 32;
            t += ((ulong)a2 * b6) + c8; c8 = (uint)t; t >>= 32;
            t += ((ulong)a2 * b7) + c9; c9 = (uint)t; t >>= 32;
            c10 = (uint)t;

            t = ((ulong)a3 * b0) + c3; c3 = (uint)t; t >>= 32;
            t += ((ulong)a3 * b1) + c4; c4 = (uint)t; t >>= 32;
            t += ((ulong)a3 * b2) + c5; c5 = (uint)t; t >>= 32;
            t += ((ulong)a3 * b3) + c6; c6 = (uint)t; t >>= 32;
            t += ((ulong)a3 * b4) + c7; c7 = (uint)t; t >>= 32;
            t += ((ulong)a3 * b5) + c8; c8 = (uint)t; t >>= 32;
            t += ((ulong)a3 * b6) + c9; c9 = (uint)t; t >>= 32;
            t += ((ulong)a3 * b7) + c10; c10 = (uint)t; t >>= 32;
            c11 = (uint)t;

            t = ((ulong)a4 * b0) + c4; c4 = (uint)t; t >>= 32;
            t += ((ulong)a4 * b1) + c5; c5 = (uint)t; t >>= 32;
            t += ((ulong)a4 * b2) + c6; c6 = (uint)t; t >>= 32;
            t += ((ulong)a4 * b3) + c7; c7 = (uint)t; t >>= 32;
            t += ((ulong)a4 * b4) + c8; c8 = (uint)t; t >>= 32;
            t += ((ulong)a4 * b5) + c9; c9 = (uint)t; t >>= 32;
            t += ((ulong)a4 * b6) + c10; c10 = (uint)t; t >>= 32;
            t += ((ulong)a4 * b7) + c11; c11 = (uint)t; t >>= 32;
            c12 = (uint)t;

            t = ((ulong)a5 * b0) + c5; c5 = (uint)t; t >>= 32;
            t += ((ulong)a5 * b1) + c6; c6 = (uint)t; t >>= 32;
            t += ((ulong)a5 * b2) + c7; c7 = (uint)t; t >>= 32;
            t += ((ulong)a5 * b3) + c8; c8 = (uint)t; t >>= 32;
            t += ((ulong)a5 * b4) + c9; c9 = (uint)t; t >>= 32;
            t += ((ulong)a5 * b5) + c10; c10 = (uint)t; t >>= 32;
            t += ((ulong)a5 * b6) + c11; c11 = (uint)t; t >>= 32;
            t += ((ulong)a5 * b7) + c12; c12 = (uint)t; t >>= 32;
            c13 = (uint)t;

            t = ((ulong)a6 * b0) + c6; c6 = (uint)t; t >>= 32;
            t += ((ulong)a6 * b1) + c7; c7 = (uint)t; t >>= 32;
            t += ((ulong)a6 * b2) + c8; c8 = (uint)t; t >>= 32;
            t += ((ulong)a6 * b3) + c9; c9 = (uint)t; t >>= 32;
            t += ((ulong)a6 * b4) + c10; c10 = (uint)t; t >>= 32;
            t += ((ulong)a6 * b5) + c11; c11 = (uint)t; t >>= 32;
            t += ((ulong)a6 * b6) + c12; c12 = (uint)t; t >>= 32;
            t += ((ulong)a6 * b7) + c13; c13 = (uint)t; t >>= 32;
            c14 = (uint)t;

            t = ((ulong)a7 * b0) + c7; c7 = (uint)t; t >>= 32;
            t += ((ulong)a7 * b1) + c8; c8 = (uint)t; t >>= 32;
            t += ((ulong)a7 * b2) + c9; c9 = (uint)t; t >>= 32;
            t += ((ulong)a7 * b3) + c10; c10 = (uint)t; t >>= 32;
            t += ((ulong)a7 * b4) + c11; c11 = (uint)t; t >>= 32;
            t += ((ulong)a7 * b5) + c12; c12 = (uint)t; t >>= 32;
            t += ((ulong)a7 * b6) + c13; c13 = (uint)t; t >>= 32;
            t += ((ulong)a7 * b7) + c14; c14 = (uint)t; t >>= 32;
            c15 = (uint)t;

            Reduce(result, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15);
        }

        /// <summary><paramref name="result"/> = <paramref name="value"/>² mod p.</summary>
        public static void Square(uint[] result, uint[] value)
        {
            // As Multiply, computing each cross product once (36 products instead of 64).
            uint a0 = value[0], a1 = value[1], a2 = value[2], a3 = value[3], a4 = value[4], a5 = value[5], a6 = value[6], a7 = value[7];
            uint c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15;
            ulong t;

            // The products a[i] * a[j] with i < j, once each.
            t = (ulong)a0 * a1; c1 = (uint)t; t >>= 32;
            t += (ulong)a0 * a2; c2 = (uint)t; t >>= 32;
            t += (ulong)a0 * a3; c3 = (uint)t; t >>= 32;
            t += (ulong)a0 * a4; c4 = (uint)t; t >>= 32;
            t += (ulong)a0 * a5; c5 = (uint)t; t >>= 32;
            t += (ulong)a0 * a6; c6 = (uint)t; t >>= 32;
            t += (ulong)a0 * a7; c7 = (uint)t; t >>= 32;
            c8 = (uint)t;

            t = ((ulong)a1 * a2) + c3; c3 = (uint)t; t >>= 32;
            t += ((ulong)a1 * a3) + c4; c4 = (uint)t; t >>= 32;
            t += ((ulong)a1 * a4) + c5; c5 = (uint)t; t >>= 32;
            t += ((ulong)a1 * a5) + c6; c6 = (uint)t; t >>= 32;
            t += ((ulong)a1 * a6) + c7; c7 = (uint)t; t >>= 32;
            t += ((ulong)a1 * a7) + c8; c8 = (uint)t; t >>= 32;
            c9 = (uint)t;

            t = ((ulong)a2 * a3) + c5; c5 = (uint)t; t >>= 32;
            t += ((ulong)a2 * a4) + c6; c6 = (uint)t; t >>= 32;
            t += ((ulong)a2 * a5) + c7; c7 = (uint)t; t >>= 32;
            t += ((ulong)a2 * a6) + c8; c8 = (uint)t; t >>= 32;
            t += ((ulong)a2 * a7) + c9; c9 = (uint)t; t >>= 32;
            c10 = (uint)t;

            t = ((ulong)a3 * a4) + c7; c7 = (uint)t; t >>= 32;
            t += ((ulong)a3 * a5) + c8; c8 = (uint)t; t >>= 32;
            t += ((ulong)a3 * a6) + c9; c9 = (uint)t; t >>= 32;
            t += ((ulong)a3 * a7) + c10; c10 = (uint)t; t >>= 32;
            c11 = (uint)t;

            t = ((ulong)a4 * a5) + c9; c9 = (uint)t; t >>= 32;
            t += ((ulong)a4 * a6) + c10; c10 = (uint)t; t >>= 32;
            t += ((ulong)a4 * a7) + c11; c11 = (uint)t; t >>= 32;
            c12 = (uint)t;

            t = ((ulong)a5 * a6) + c11; c11 = (uint)t; t >>= 32;
            t += ((ulong)a5 * a7) + c12; c12 = (uint)t; t >>= 32;
            c13 = (uint)t;

            t = ((ulong)a6 * a7) + c13; c13 = (uint)t; t >>= 32;
            c14 = (uint)t;

            // Doubled, then the squares a[i] * a[i] added on the diagonal.
            c15 = c14 >> 31;
            c14 = (c14 << 1) | (c13 >> 31);
            c13 = (c13 << 1) | (c12 >> 31);
            c12 = (c12 << 1) | (c11 >> 31);
            c11 = (c11 << 1) | (c10 >> 31);
            c10 = (c10 << 1) | (c9 >> 31);
            c9 = (c9 << 1) | (c8 >> 31);
            c8 = (c8 << 1) | (c7 >> 31);
            c7 = (c7 << 1) | (c6 >> 31);
            c6 = (c6 << 1) | (c5 >> 31);
            c5 = (c5 << 1) | (c4 >> 31);
            c4 = (c4 << 1) | (c3 >> 31);
            c3 = (c3 << 1) | (c2 >> 31);
            c2 = (c2 << 1) | (c1 >> 31);
            c1 <<= 1;
            t = (ulong)a0 * a0; c0 = (uint)t; t >>= 32;
            t += c1; c1 = (uint)t; t >>= 32;
            t += ((ulong)a1 * a1) + c2; c2 = (uint)t; t >>= 32;
            t += c3; c3 = (uint)t; t >>= 32;
            t += ((ulong)a2 * a2) + c4; c4 = (uint)t; t >>= 32;
            t += c5; c5 = (uint)t; t >>= 32;
            t += ((ulong)a3 * a3) + c6; c6 = (uint)t; t >>= 32;
            t += c7; c7 = (uint)t; t >>= 32;
            t += ((ulong)a4 * a4) + c8; c8 = (uint)t; t >>= 32;
            t += c9; c9 = (uint)t; t >>= 32;
            t += ((ulong)a5 * a5) + c10; c10 = (uint)t; t >>= 32;
            t += c11; c11 = (uint)t; t >>= 32;
            t += ((ulong)a6 * a6) + c12; c12 = (uint)t; t >>= 32;
            t += c13; c13 = (uint)t; t >>= 32;
            t += ((ulong)a7 * a7) + c14; c14 = (uint)t; t >>= 32;
            c15 += (uint)t;

            Reduce(result, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15);
        }

        /// <summary><paramref name="result"/> = <paramref name="value"/>⁻¹ mod p; the inverse of zero is taken as zero.</summary>
        public void Invert(uint[] result, uint[] value)
        {
            UInt256.ModInverse(result, value, Prime, _u, _v, _x1, _x2);
        }

        /// <summary>True if (x, y), both reduced, satisfies the curve equation y² = x³ - 3x + b.</summary>
        public bool IsOnCurve(uint[] x, uint[] y)
        {
            // _u = x³ - 3x + b, _v = y² (the inversion scratch is free here).
            Square(_u, x);
            Multiply(_u, _u, x);
            Subtract(_u, _u, x);
            Subtract(_u, _u, x);
            Subtract(_u, _u, x);
            Add(_u, _u, CurveB);
            Square(_v, y);
            return UInt256.Compare(_u, _v) == 0;
        }

        /// <summary>
        /// Reduces the 512-bit product c15..c0 modulo p with the word-level identity of FIPS 186-4 §D.2.3
        /// (s1 + 2s2 + 2s3 + s4 + s5 - d1 - d2 - d3 - d4), summed limb by limb with a signed carry.
        /// </summary>
        private static void Reduce(
            uint[] result, uint c0, uint c1, uint c2, uint c3, uint c4, uint c5, uint c6, uint c7,
            uint c8, uint c9, uint c10, uint c11, uint c12, uint c13, uint c14, uint c15)
        {
            long acc = (long)c0 + c8 + c9 - c11 - c12 - c13 - c14;
            uint r0 = (uint)acc;
            acc >>= 32;
            acc += (long)c1 + c9 + c10 - c12 - c13 - c14 - c15;
            uint r1 = (uint)acc;
            acc >>= 32;
            acc += (long)c2 + c10 + c11 - c13 - c14 - c15;
            uint r2 = (uint)acc;
            acc >>= 32;
            acc += (long)c3 + (2L * c11) + (2L * c12) + c13 - c15 - c8 - c9;
            uint r3 = (uint)acc;
            acc >>= 32;
            acc += (long)c4 + (2L * c12) + (2L * c13) + c14 - c9 - c10;
            uint r4 = (uint)acc;
            acc >>= 32;
            acc += (long)c5 + (2L * c13) + (2L * c14) + c15 - c10 - c11;
            uint r5 = (uint)acc;
            acc >>= 32;
            acc += (long)c6 + c13 + (3L * c14) + (2L * c15) - c8 - c9;
            uint r6 = (uint)acc;
            acc >>= 32;
            acc += (long)c7 + c8 + (3L * c15) - c10 - c11 - c12 - c13;
            uint r7 = (uint)acc;
            acc >>= 32;

            // acc is now a small signed multiple of 2^256, and 2^256 ≡ 2^224 - 2^192 - 2^96 + 1 (mod p). Folding it
            // back in leaves at most a carry of ±1, so this settles within three passes.
            while (acc != 0)
            {
                long top = acc;
                acc = (long)r0 + top;
                r0 = (uint)acc;
                acc >>= 32;
                acc += r1;
                r1 = (uint)acc;
                acc >>= 32;
                acc += r2;
                r2 = (uint)acc;
                acc >>= 32;
                acc += (long)r3 - top;
                r3 = (uint)acc;
                acc >>= 32;
                acc += r4;
                r4 = (uint)acc;
                acc >>= 32;
                acc += r5;
                r5 = (uint)acc;
                acc >>= 32;
                acc += (long)r6 - top;
                r6 = (uint)acc;
                acc >>= 32;
                acc += (long)r7 + top;
                r7 = (uint)acc;
                acc >>= 32;
            }

            result[0] = r0;
            result[1] = r1;
            result[2] = r2;
            result[3] = r3;
            result[4] = r4;
            result[5] = r5;
            result[6] = r6;
            result[7] = r7;

            // Now below 2^256 < 2p: at most one subtraction.
            if (UInt256.Compare(result, Prime) >= 0)
            {
                UInt256.Subtract(result, result, Prime);
            }
        }
    }
}
