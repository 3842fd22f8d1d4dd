using System;

namespace AssetMeter.Metrology.Energy
{
    /// <summary>
    /// What one count of an IC energy register is worth: an exact rational number of microwatt-hours,
    /// <see cref="MicrowattHoursPerCountNumerator"/> / <see cref="MicrowattHoursPerCountDenominator"/>.
    /// </summary>
    /// <remarks>
    /// The meter keeps energy in integer microwatt-hours (µWh). A register count is rarely a whole number of
    /// µWh once calibrated, so the scale is a fraction and <see cref="EnergyRegister"/> carries the remainder
    /// from one reading to the next: no count is ever rounded away.
    /// Example: the ATM90E32AS at its default meter constant (3200 imp/kWh, 0.01 CF pulse per LSB) is worth
    /// 1000 Wh / (3200 * 100) = 3.125 mWh per count, i.e. 3125 / 1 µWh.
    /// </remarks>
    public sealed class EnergyScale
    {
        /// <summary>Upper bound on either term, so that products with 2^32-count deltas stay in 128 bits comfortably.</summary>
        public const long MaximumTerm = 1L << 40;

        /// <summary>Creates the scale numerator / denominator µWh per count.</summary>
        /// <exception cref="ArgumentOutOfRangeException">A term is not positive or is above <see cref="MaximumTerm"/>.</exception>
        public EnergyScale(long microwattHoursPerCountNumerator, long microwattHoursPerCountDenominator)
        {
            if (microwattHoursPerCountNumerator <= 0 || microwattHoursPerCountNumerator > MaximumTerm)
            {
                throw new ArgumentOutOfRangeException("microwattHoursPerCountNumerator", "must be between 1 and 2^40");
            }

            if (microwattHoursPerCountDenominator <= 0 || microwattHoursPerCountDenominator > MaximumTerm)
            {
                throw new ArgumentOutOfRangeException("microwattHoursPerCountDenominator", "must be between 1 and 2^40");
            }

            MicrowattHoursPerCountNumerator = microwattHoursPerCountNumerator;
            MicrowattHoursPerCountDenominator = microwattHoursPerCountDenominator;
        }

        /// <summary>Numerator of the µWh value of one count.</summary>
        public long MicrowattHoursPerCountNumerator { get; }

        /// <summary>Denominator of the µWh value of one count.</summary>
        public long MicrowattHoursPerCountDenominator { get; }

        /// <summary>True when both scales are the same fraction (not necessarily the same terms).</summary>
        public bool IsSameValueAs(EnergyScale other)
        {
            if (other == null)
            {
                return false;
            }

            return Arithmetic.WideMath.CompareProducts(
                MicrowattHoursPerCountNumerator, other.MicrowattHoursPerCountDenominator,
                other.MicrowattHoursPerCountNumerator, MicrowattHoursPerCountDenominator) == 0;
        }

        /// <summary>
        /// The largest number of counts that <paramref name="maximumWatts"/> could put into the register in
        /// <paramref name="elapsedTicks"/> (100 ns), rounded up. Used to reject implausible deltas.
        /// </summary>
        public long CountsFor(long maximumWatts, long elapsedTicks)
        {
            if (maximumWatts < 0 || elapsedTicks < 0)
            {
                throw new ArgumentOutOfRangeException("elapsedTicks", "must not be negative");
            }

            // µWh = W * ticks / 36,000 (3.6e10 ticks an hour, 1e6 µWh a Wh); counts = µWh * den / num.
            long rem;
            long microwattHours = Arithmetic.WideMath.MultiplyDivide(maximumWatts, elapsedTicks, 36000, out rem);
            if (rem != 0)
            {
                microwattHours++;
            }

            long counts = Arithmetic.WideMath.MultiplyDivide(microwattHours, MicrowattHoursPerCountDenominator, MicrowattHoursPerCountNumerator, out rem);
            return rem != 0 ? counts + 1 : counts;
        }
    }
}
