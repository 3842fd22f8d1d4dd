namespace AssetMeter.Firmware.Crypto
{
    /// <summary>
    /// Arithmetic modulo the order n of the P-256 base point (FIPS 186-4 §D.1.2.3), for the scalars of ECDSA: values
    /// held as <c>uint[8]</c>, least significant limb first, below n.
    /// </summary>
    /// <remarks>
    /// A verification needs only one inversion and two products here, so this favours plainness: Montgomery
    /// multiplication with loops. Scratch arrays belong to the instance; nothing is allocated after construction.
    /// Results may alias operands. Variable-time, for public values only. An instance is not thread-safe.
    /// </remarks>
    public sealed class P256Scalar
    {
        /// <summary>The group order n.</summary>
        internal static readonly uint[] Order = { 0xfc632551, 0xf3b9cac2, 0xa7179e84, 0xbce6faad, 0xffffffff, 0xffffffff, 0x00000000, 0xffffffff };

        // -n⁻¹ mod 2^32 and 2^512 mod n, the Montgomery constants for R = 2^256, derived rather than typed in.
        private static readonly uint MontgomeryFactor = NegativeInverseOfLowLimb();
        private static readonly uint[] RSquared = TwoToThe512ModOrder();

        private readonly uint[] _t = new uint[UInt256.Limbs + 2];
        private readonly uint[] _u = new uint[UInt256.Limbs];
        private readonly uint[] _v = new uint[UInt256.Limbs];
        private readonly uint[] _x1 = new uint[UInt256.Limbs];
        private readonly uint[] _x2 = new uint[UInt256.Limbs];

        /// <summary>Reads a 32-byte big-endian integer; false (and a meaningless result) if it is not below n.</summary>
        public static bool TryRead(byte[] source, int offset, uint[] result)
        {
            UInt256.FromBigEndian(source, offset, result);
            return UInt256.Compare(result, Order) < 0;
        }

        /// <summary>
        /// Reads a 32-byte digest as the integer e of ECDSA (SEC 1 §4.1.4 step 4: for P-256 and SHA-256, all 256 bits)
        /// reduced mod n.
        /// </summary>
        public static void ReadDigest(byte[] digest, int offset, uint[] result)
        {
            UInt256.FromBigEndian(digest, offset, result);

            // 2^256 < 2n, so one subtraction reduces it.
            if (UInt256.Compare(result, Order) >= 0)
            {
                UInt256.Subtract(result, result, Order);
            }
        }

        /// <summary>Writes a scalar as 32 big-endian bytes.</summary>
        public static void Write(uint[] value, byte[] output, int offset)
        {
            UInt256.ToBigEndian(value, output, offset);
        }

        /// <summary>True if the scalar is zero.</summary>
        public static bool IsZero(uint[] value)
        {
            return UInt256.IsZero(value);
        }

        /// <summary><paramref name="result"/> = <paramref name="left"/> × <paramref name="right"/> mod n.</summary>
        public void Multiply(uint[] result, uint[] left, uint[] right)
        {
            // (left·right·R⁻¹)·R²·R⁻¹ = left·right.
            MontgomeryMultiply(result, left, right);
            MontgomeryMultiply(result, result, RSquared);
        }

        /// <summary><paramref name="result"/> = <paramref name="value"/>⁻¹ mod n; the inverse of zero is taken as zero.</summary>
        public void Invert(uint[] result, uint[] value)
        {
            UInt256.ModInverse(result, value, Order, _u, _v, _x1, _x2);
        }

        /// <summary>result = left·right·2^-256 mod n (coarsely integrated operand scanning, Koç et al. 1996).</summary>
        private void MontgomeryMultiply(uint[] result, uint[] left, uint[] right)
        {
            uint[] t = _t;
            uint[] n = Order;
            for (int i = 0; i < t.Length; i++)
            {
                t[i] = 0;
            }

            for (int i = 0; i < UInt256.Limbs; i++)
            {
                ulong a = left[i];
                ulong carry = 0;
                for (int j = 0; j < UInt256.Limbs; j++)
                {
                    carry += (a * right[j]) + t[j];
                    t[j] = (uint)carry;
                    carry >>= 32;
                }

                carry += t[8];
                t[8] = (uint)carry;
                t[9] = (uint)(carry >> 32);

                // Add m·n, with m chosen so that the low limb becomes zero, and shift down one limb.
                uint m = t[0] * MontgomeryFactor;
                carry = (((ulong)m * n[0]) + t[0]) >> 32;
                for (int j = 1; j < UInt256.Limbs; j++)
                {
                    carry += ((ulong)m * n[j]) + t[j];
                    t[j - 1] = (uint)carry;
                    carry >>= 32;
                }

                carry += t[8];
                t[7] = (uint)carry;
                t[8] = t[9] + (uint)(carry >> 32);
            }

            for (int i = 0; i < UInt256.Limbs; i++)
            {
                result[i] = t[i];
            }

            // Operands below n leave t below 2n.
            if (t[8] != 0 || UInt256.Compare(result, n) >= 0)
            {
                UInt256.Subtract(result, result, n);
            }
        }

        private static uint NegativeInverseOfLowLimb()
        {
            // Newton's iteration x ← x(2 - n₀x) doubles the correct low bits each step; n₀ is its own inverse mod 8.
            uint n0 = Order[0];
            uint x = n0;
            for (int i = 0; i < 4; i++)
            {
                x *= 2 - (n0 * x);
            }

            return 0 - x;
        }

        private static uint[] TwoToThe512ModOrder()
        {
            // 2^256 mod n = 2^256 - n, then doubled 256 times mod n.
            uint[] x = new uint[UInt256.Limbs];
            UInt256.Subtract(x, x, Order);
            for (int i = 0; i < 256; i++)
            {
                uint carry = UInt256.Add(x, x, x);
                if (carry != 0 || UInt256.Compare(x, Order) >= 0)
                {
                    UInt256.Subtract(x, x, Order);
                }
            }

            return x;
        }
    }
}
