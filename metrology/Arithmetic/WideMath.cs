using System;

namespace AssetMeter.Metrology.Arithmetic
{
    /// <summary>
    /// 64 x 64 -> 128-bit products and 128 / 64-bit quotients on plain ulong arithmetic.
    /// </summary>
    /// <remarks>
    /// Energy apportioning multiplies an energy by a span of 100 ns ticks (a half hour is 1.8e10 ticks), which
    /// can pass 2^63. nanoFramework has neither Int128 nor Math.BigMul, so the core carries its own.
    /// </remarks>
    public static class WideMath
    {
        private const ulong LowMask = 0xFFFFFFFFUL;

        /// <summary>The full 128-bit product of two unsigned 64-bit values.</summary>
        public static void Multiply(ulong a, ulong b, out ulong high, out ulong low)
        {
            ulong a0 = a & LowMask;
            ulong a1 = a >> 32;
            ulong b0 = b & LowMask;
            ulong b1 = b >> 32;

            ulong p00 = a0 * b0;
            ulong p01 = a0 * b1;
            ulong p10 = a1 * b0;
            ulong p11 = a1 * b1;

            // Middle column: cannot overflow, each term is below 2^32 and there are three of them.
            ulong middle = (p00 >> 32) + (p01 & LowMask) + (p10 & LowMask);
            low = (middle << 32) | (p00 & LowMask);
            high = p11 + (p01 >> 32) + (p10 >> 32) + (middle >> 32);
        }

        /// <summary>
        /// Divides the 128-bit value (high, low) by <paramref name="divisor"/>.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The divisor is zero.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The divisor is zero, or the quotient does not fit in 64 bits (high is not below the divisor).</exception>
        public static ulong Divide(ulong high, ulong low, ulong divisor, out ulong remainder)
        {
            if (divisor == 0)
            {
                throw new ArgumentOutOfRangeException("divisor", "division by zero");
            }

            if (high >= divisor)
            {
                throw new ArgumentOutOfRangeException("high", "the 128-bit quotient does not fit in 64 bits");
            }

            if (high == 0)
            {
                remainder = low % divisor;
                return low / divisor;
            }

            // Restoring long division, one bit at a time. The running remainder stays below the divisor,
            // but shifting it left may need a 65th bit, which 'carry' holds.
            ulong rem = high;
            ulong quotient = 0;
            for (int bit = 63; bit >= 0; bit--)
            {
                bool carry = (rem >> 63) != 0;
                rem = (rem << 1) | ((low >> bit) & 1UL);
                if (carry || rem >= divisor)
                {
                    rem -= divisor;
                    quotient |= 1UL << bit;
                }
            }

            remainder = rem;
            return quotient;
        }

        /// <summary>
        /// floor(a * b / c) for non-negative a and b and positive c, exact for any operands whose true
        /// quotient fits in a long.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">a or b is negative, or c is not positive.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The quotient does not fit in a long.</exception>
        public static long MultiplyDivide(long a, long b, long c)
        {
            long ignored;
            return MultiplyDivide(a, b, c, out ignored);
        }

        /// <summary>floor(a * b / c), with the remainder (a * b) mod c.</summary>
        public static long MultiplyDivide(long a, long b, long c, out long remainder)
        {
            if (a < 0 || b < 0)
            {
                throw new ArgumentOutOfRangeException("a", "operands must not be negative");
            }

            if (c <= 0)
            {
                throw new ArgumentOutOfRangeException("c", "divisor must be positive");
            }

            ulong high;
            ulong low;
            Multiply((ulong)a, (ulong)b, out high, out low);
            ulong rem;
            ulong quotient = Divide(high, low, (ulong)c, out rem);
            if (quotient > long.MaxValue)
            {
                throw new ArgumentOutOfRangeException("c", "the quotient does not fit in a long");
            }

            remainder = (long)rem;
            return (long)quotient;
        }

        /// <summary>Compares a * b with c * d for non-negative operands: -1, 0 or 1.</summary>
        public static int CompareProducts(long a, long b, long c, long d)
        {
            if (a < 0 || b < 0 || c < 0 || d < 0)
            {
                throw new ArgumentOutOfRangeException("a", "operands must not be negative");
            }

            ulong leftHigh;
            ulong leftLow;
            ulong rightHigh;
            ulong rightLow;
            Multiply((ulong)a, (ulong)b, out leftHigh, out leftLow);
            Multiply((ulong)c, (ulong)d, out rightHigh, out rightLow);
            if (leftHigh != rightHigh)
            {
                return leftHigh < rightHigh ? -1 : 1;
            }

            if (leftLow != rightLow)
            {
                return leftLow < rightLow ? -1 : 1;
            }

            return 0;
        }
    }
}
