using System;
using AssetMeter.Metrology.Arithmetic;

namespace AssetMeter.Metrology.Accuracy
{
    /// <summary>
    /// Limits of error of a meter class as data: the largest fast (positive) and slow (negative) percentage
    /// error allowed, in parts per million of the reference energy, and the verdict on a test result.
    /// </summary>
    /// <remarks>
    /// Error is (meter - reference) / reference, so a positive error means the meter reads high (the asset's
    /// owner pays too much). CoP11 Type 5 allows +2.5% / -3.5% (CrowdFlex WP5, seed 002; the CoP11 text itself
    /// was not available to check).
    /// </remarks>
    public sealed class LimitsOfError
    {
        /// <summary>CoP11 asset metering Type 5: +2.5% / -3.5%.</summary>
        public static readonly LimitsOfError CoP11Type5 = new LimitsOfError("CoP11 Type 5", 25000, -35000);

        private const long PartsPerMillion = 1000000;

        /// <summary>Creates limits; <paramref name="upperPpm"/> is not negative and <paramref name="lowerPpm"/> not positive.</summary>
        public LimitsOfError(string name, long upperPpm, long lowerPpm)
        {
            if (upperPpm < 0 || lowerPpm > 0)
            {
                throw new ArgumentOutOfRangeException("upperPpm", "the upper limit is >= 0 and the lower <= 0");
            }

            Name = name;
            UpperPpm = upperPpm;
            LowerPpm = lowerPpm;
        }

        /// <summary>Name of the class, for reports.</summary>
        public string Name { get; }

        /// <summary>Largest positive (fast) error allowed, ppm.</summary>
        public long UpperPpm { get; }

        /// <summary>Largest negative (slow) error allowed, ppm (a negative number).</summary>
        public long LowerPpm { get; }

        /// <summary>
        /// Judges a test result: meter energy against reference energy (any one unit, e.g. µWh), with the expanded
        /// uncertainty of the reference measurement in ppm. Pass needs the whole uncertainty band inside the
        /// limits, fail needs it wholly outside; otherwise the result is inconclusive.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The reference energy is not positive or an input is negative.</exception>
        public AccuracyVerdict Judge(long meterEnergy, long referenceEnergy, long uncertaintyPpm)
        {
            if (referenceEnergy <= 0)
            {
                throw new ArgumentOutOfRangeException("referenceEnergy", "the reference energy must be positive");
            }

            if (meterEnergy < 0 || uncertaintyPpm < 0)
            {
                throw new ArgumentOutOfRangeException("meterEnergy", "energies and uncertainty are not negative");
            }

            AccuracyVerdict verdict = new AccuracyVerdict();
            verdict.ErrorPpm = ErrorPpm(meterEnergy, referenceEnergy);
            verdict.UncertaintyPpm = uncertaintyPpm;
            verdict.UpperPpm = UpperPpm;
            verdict.LowerPpm = LowerPpm;

            // Decided on the exact error, not the rounded ppm figure: error <= limit  <=>  diff * 1e6 <= limit * ref.
            long diff = meterEnergy - referenceEnergy;
            bool insideUpper = CompareError(diff, referenceEnergy, UpperPpm - uncertaintyPpm) <= 0;
            bool insideLower = CompareError(diff, referenceEnergy, LowerPpm + uncertaintyPpm) >= 0;
            bool outsideUpper = CompareError(diff, referenceEnergy, UpperPpm + uncertaintyPpm) > 0;
            bool outsideLower = CompareError(diff, referenceEnergy, LowerPpm - uncertaintyPpm) < 0;
            if (insideUpper && insideLower)
            {
                verdict.Outcome = VerdictOutcome.Pass;
            }
            else if (outsideUpper || outsideLower)
            {
                verdict.Outcome = VerdictOutcome.Fail;
            }
            else
            {
                verdict.Outcome = VerdictOutcome.Inconclusive;
            }

            return verdict;
        }

        /// <summary>True when the error lies within <paramref name="percentOfLimit"/> percent of each limit.</summary>
        public bool IsWithin(long meterEnergy, long referenceEnergy, int percentOfLimit)
        {
            if (referenceEnergy <= 0 || percentOfLimit < 0)
            {
                throw new ArgumentOutOfRangeException("referenceEnergy", "reference must be positive");
            }

            long diff = meterEnergy - referenceEnergy;
            return CompareErrorScaled(diff, referenceEnergy, UpperPpm, percentOfLimit) <= 0
                && CompareErrorScaled(diff, referenceEnergy, LowerPpm, percentOfLimit) >= 0;
        }

        /// <summary>(meter - reference) / reference in ppm, rounded half away from zero.</summary>
        public static long ErrorPpm(long meterEnergy, long referenceEnergy)
        {
            long diff = meterEnergy - referenceEnergy;
            long magnitude = diff < 0 ? -diff : diff;
            long rem;
            long ppm = WideMath.MultiplyDivide(magnitude, PartsPerMillion, referenceEnergy, out rem);
            if (rem * 2 >= referenceEnergy)
            {
                ppm++;
            }

            return diff < 0 ? -ppm : ppm;
        }

        // Sign of (diff / reference) - (limitPpm / 1e6), i.e. of diff * 1e6 - limitPpm * reference.
        private static int CompareError(long diff, long reference, long limitPpm)
        {
            return CompareSigned(diff, PartsPerMillion, limitPpm, reference);
        }

        // Sign of (diff / reference) - (limitPpm * percent / 100 / 1e6).
        private static int CompareErrorScaled(long diff, long reference, long limitPpm, int percent)
        {
            return CompareSigned(diff, PartsPerMillion * 100, limitPpm * percent, reference);
        }

        // Sign of a * b - c * d, with b and d positive.
        private static int CompareSigned(long a, long b, long c, long d)
        {
            if (a >= 0 && c < 0)
            {
                return 1;
            }

            if (a < 0 && c >= 0)
            {
                return -1;
            }

            if (a >= 0)
            {
                return WideMath.CompareProducts(a, b, c, d);
            }

            return -WideMath.CompareProducts(-a, b, -c, d);
        }
    }
}
