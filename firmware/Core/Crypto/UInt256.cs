namespace AssetMeter.Firmware.Crypto
{
    /// <summary>
    /// 256-bit unsigned integers as eight 32-bit limbs, least significant first (<c>uint[8]</c>), for the P-256
    /// arithmetic. Every operation works in place on arrays the caller owns and allocates nothing.
    /// </summary>
    /// <remarks>Variable-time: meant for signature verification, where every value is public.</remarks>
    internal static class UInt256
    {
        /// <summary>Number of limbs.</summary>
        public const int Limbs = 8;

        /// <summary>Number of bytes in the big-endian encoding.</summary>
        public const int Bytes = 32;

        /// <summary>Reads 32 big-endian bytes.</summary>
        public static void FromBigEndian(byte[] source, int offset, uint[] result)
        {
            for (int i = 0; i < Limbs; i++)
            {
                int at = offset + Bytes - (4 * (i + 1));
                result[i] = ((uint)source[at] << 24) | ((uint)source[at + 1] << 16) | ((uint)source[at + 2] << 8) | source[at + 3];
            }
        }

        /// <summary>Writes 32 big-endian bytes.</summary>
        public static void ToBigEndian(uint[] value, byte[] output, int offset)
        {
            for (int i = 0; i < Limbs; i++)
            {
                int at = offset + Bytes - (4 * (i + 1));
                uint limb = value[i];
                output[at] = (byte)(limb >> 24);
                output[at + 1] = (byte)(limb >> 16);
                output[at + 2] = (byte)(limb >> 8);
                output[at + 3] = (byte)limb;
            }
        }

        /// <summary>Sets <paramref name="result"/> to a small value.</summary>
        public static void Set(uint[] result, uint value)
        {
            result[0] = value;
            for (int i = 1; i < Limbs; i++)
            {
                result[i] = 0;
            }
        }

        /// <summary>Copies <paramref name="value"/> into <paramref name="result"/>.</summary>
        public static void Copy(uint[] result, uint[] value)
        {
            for (int i = 0; i < Limbs; i++)
            {
                result[i] = value[i];
            }
        }

        /// <summary>True if the value is zero.</summary>
        public static bool IsZero(uint[] value)
        {
            uint any = 0;
            for (int i = 0; i < Limbs; i++)
            {
                any |= value[i];
            }

            return any == 0;
        }

        /// <summary>True if the value is one.</summary>
        public static bool IsOne(uint[] value)
        {
            uint any = value[0] ^ 1;
            for (int i = 1; i < Limbs; i++)
            {
                any |= value[i];
            }

            return any == 0;
        }

        /// <summary>-1, 0 or 1 as <paramref name="left"/> is below, equal to or above <paramref name="right"/>.</summary>
        public static int Compare(uint[] left, uint[] right)
        {
            for (int i = Limbs - 1; i >= 0; i--)
            {
                if (left[i] != right[i])
                {
                    return left[i] < right[i] ? -1 : 1;
                }
            }

            return 0;
        }

        /// <summary><paramref name="result"/> = <paramref name="left"/> + <paramref name="right"/>; returns the carry out (0 or 1). The result may alias an operand.</summary>
        public static uint Add(uint[] result, uint[] left, uint[] right)
        {
            ulong carry = 0;
            for (int i = 0; i < Limbs; i++)
            {
                carry += (ulong)left[i] + right[i];
                result[i] = (uint)carry;
                carry >>= 32;
            }

            return (uint)carry;
        }

        /// <summary><paramref name="result"/> = <paramref name="left"/> - <paramref name="right"/>; returns the borrow out (0 or 1). The result may alias an operand.</summary>
        public static uint Subtract(uint[] result, uint[] left, uint[] right)
        {
            long borrow = 0;
            for (int i = 0; i < Limbs; i++)
            {
                borrow += (long)left[i] - right[i];
                result[i] = (uint)borrow;
                borrow >>= 32;
            }

            return (uint)-borrow;
        }

        /// <summary>Shifts right by one bit, shifting <paramref name="topBit"/> (0 or 1) in at the top.</summary>
        public static void ShiftRightOne(uint[] value, uint topBit)
        {
            for (int i = 0; i < Limbs - 1; i++)
            {
                value[i] = (value[i] >> 1) | (value[i + 1] << 31);
            }

            value[Limbs - 1] = (value[Limbs - 1] >> 1) | (topBit << 31);
        }

        /// <summary>
        /// <paramref name="result"/> = <paramref name="value"/>⁻¹ mod <paramref name="modulus"/> for an odd prime modulus and
        /// 0 &lt; value &lt; modulus, by the binary extended Euclidean algorithm (about 500 shift-and-subtract steps,
        /// far cheaper than a Fermat exponentiation on the interpreter). Zero gives zero.
        /// </summary>
        /// <remarks>The four scratch arrays are overwritten; the result may alias <paramref name="value"/>.</remarks>
        public static void ModInverse(uint[] result, uint[] value, uint[] modulus, uint[] u, uint[] v, uint[] x1, uint[] x2)
        {
            if (IsZero(value))
            {
                Set(result, 0);
                return;
            }

            // Invariants: x1 * value ≡ u and x2 * value ≡ v (mod modulus); gcd(u, v) = 1 throughout.
            Copy(u, value);
            Copy(v, modulus);
            Set(x1, 1);
            Set(x2, 0);
            while (!IsOne(u) && !IsOne(v))
            {
                while ((u[0] & 1) == 0)
                {
                    ShiftRightOne(u, 0);
                    HalveModulo(x1, modulus);
                }

                while ((v[0] & 1) == 0)
                {
                    ShiftRightOne(v, 0);
                    HalveModulo(x2, modulus);
                }

                if (Compare(u, v) >= 0)
                {
                    Subtract(u, u, v);
                    SubtractModulo(x1, x1, x2, modulus);
                }
                else
                {
                    Subtract(v, v, u);
                    SubtractModulo(x2, x2, x1, modulus);
                }
            }

            Copy(result, IsOne(u) ? x1 : x2);
        }

        /// <summary>x = x / 2 mod an odd modulus, for x below the modulus.</summary>
        private static void HalveModulo(uint[] x, uint[] modulus)
        {
            uint carry = 0;
            if ((x[0] & 1) != 0)
            {
                carry = Add(x, x, modulus);
            }

            ShiftRightOne(x, carry);
        }

        /// <summary>result = left - right mod modulus, for operands below the modulus.</summary>
        private static void SubtractModulo(uint[] result, uint[] left, uint[] right, uint[] modulus)
        {
            if (Subtract(result, left, right) != 0)
            {
                Add(result, result, modulus);
            }
        }
    }
}
