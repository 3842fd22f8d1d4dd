using AssetMeter.Metrology.Accuracy;
#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif

namespace AssetMeter.Tests.Metrology
{
    [TestClass]
    public class LimitsOfErrorTests
    {
        [TestMethod]
        public void Type5_limits_are_plus_two_and_a_half_and_minus_three_and_a_half_percent()
        {
            Assert.AreEqual(25000L, LimitsOfError.CoP11Type5.UpperPpm);
            Assert.AreEqual(-35000L, LimitsOfError.CoP11Type5.LowerPpm);
        }

        [TestMethod]
        [DataRow(1025000L, 1000000L, 0)]
        [DataRow(965000L, 1000000L, 0)]
        [DataRow(1000000L, 1000000L, 0)]
        [DataRow(1025001L, 1000000L, 1)]
        [DataRow(964999L, 1000000L, 1)]
        public void Verdict_is_exact_at_the_limits(long meter, long reference, int expectedOutcome)
        {
            AccuracyVerdict verdict = LimitsOfError.CoP11Type5.Judge(meter, reference, 0);
            Assert.AreEqual(expectedOutcome, (int)verdict.Outcome);
        }

        [TestMethod]
        public void Reference_uncertainty_straddling_a_limit_is_inconclusive()
        {
            // +2.45% measured with a 0.1% reference: the band reaches +2.55%.
            AccuracyVerdict verdict = LimitsOfError.CoP11Type5.Judge(1024500, 1000000, 1000);
            Assert.AreEqual((int)VerdictOutcome.Inconclusive, (int)verdict.Outcome);
            Assert.AreEqual(24500L, verdict.ErrorPpm);
            Assert.AreEqual(500L, verdict.MarginPpm);

            // -1% with the same reference passes; -3.7% fails whatever the uncertainty says.
            Assert.AreEqual((int)VerdictOutcome.Pass, (int)LimitsOfError.CoP11Type5.Judge(990000, 1000000, 1000).Outcome);
            Assert.AreEqual((int)VerdictOutcome.Fail, (int)LimitsOfError.CoP11Type5.Judge(963000, 1000000, 1000).Outcome);
        }

        [TestMethod]
        public void Half_the_limit_as_margin()
        {
            Assert.IsTrue(LimitsOfError.CoP11Type5.IsWithin(1012500, 1000000, 50));
            Assert.IsFalse(LimitsOfError.CoP11Type5.IsWithin(1012501, 1000000, 50));
            Assert.IsTrue(LimitsOfError.CoP11Type5.IsWithin(982500, 1000000, 50));
            Assert.IsFalse(LimitsOfError.CoP11Type5.IsWithin(982499, 1000000, 50));
        }

        [TestMethod]
        public void Error_ppm_rounds_half_away_from_zero()
        {
            Assert.AreEqual(1L, LimitsOfError.ErrorPpm(2000001, 2000000));
            Assert.AreEqual(-1L, LimitsOfError.ErrorPpm(1999999, 2000000));
            Assert.AreEqual(0L, LimitsOfError.ErrorPpm(3999999, 4000000));
        }
    }
}
