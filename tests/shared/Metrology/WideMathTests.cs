using AssetMeter.Metrology.Arithmetic;
#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif

namespace AssetMeter.Tests.Metrology
{
    [TestClass]
    public class WideMathTests
    {
        [TestMethod]
        public void Multiply_gives_the_full_128_bit_product()
        {
            ulong high;
            ulong low;
            WideMath.Multiply(ulong.MaxValue, ulong.MaxValue, out high, out low);
            Assert.AreEqual(0xFFFFFFFFFFFFFFFEUL, high);
            Assert.AreEqual(1UL, low);

            WideMath.Multiply(0x100000000UL, 0x100000000UL, out high, out low);
            Assert.AreEqual(1UL, high);
            Assert.AreEqual(0UL, low);
        }

        [TestMethod]
        public void Divide_handles_a_128_bit_dividend()
        {
            // (2^64 + 5) / 3 = 6148914691236517207 remainder 0
            ulong remainder;
            ulong quotient = WideMath.Divide(1UL, 5UL, 3UL, out remainder);
            Assert.AreEqual(6148914691236517207UL, quotient);
            Assert.AreEqual(0UL, remainder);

            // Divisor with its top bit set exercises the 65th bit of the running remainder.
            quotient = WideMath.Divide(0x7FFFFFFFFFFFFFFFUL, ulong.MaxValue, 0x8000000000000000UL, out remainder);
            Assert.AreEqual(ulong.MaxValue, quotient);
            Assert.AreEqual(0x7FFFFFFFFFFFFFFFUL, remainder);
        }

        [TestMethod]
        public void MultiplyDivide_is_exact_past_two_to_the_63()
        {
            // A 100 kW half hour in µWh (5e10) times a half hour in ticks (1.8e10) overflows a long; the quotient does not.
            long remainder;
            long result = WideMath.MultiplyDivide(50000000000L, 18000000000L, 18000000000L, out remainder);
            Assert.AreEqual(50000000000L, result);
            Assert.AreEqual(0L, remainder);

            result = WideMath.MultiplyDivide(7, 10, 4, out remainder);
            Assert.AreEqual(17L, result);
            Assert.AreEqual(2L, remainder);
        }

        [TestMethod]
        public void CompareProducts_orders_products_that_overflow()
        {
            Assert.AreEqual(1, WideMath.CompareProducts(long.MaxValue, 3, long.MaxValue, 2));
            Assert.AreEqual(0, WideMath.CompareProducts(6, 4, 8, 3));
            Assert.AreEqual(-1, WideMath.CompareProducts(1, 1, 1, 2));
        }
    }
}
