using System;
using AssetMeter.Metrology.Arithmetic;

namespace AssetMeter.Metrology.Energy
{
    /// <summary>
    /// A cumulative active-energy register in integer microwatt-hours that only ever increases, fed with
    /// IC register counts and converting them exactly: the fraction of a µWh that a count leaves over is
    /// carried to the next reading rather than rounded away.
    /// </summary>
    public sealed class EnergyRegister
    {
        private EnergyScale _scale;
        private long _microwattHours;
        private long _remainder;

        /// <summary>Starts a register at <paramref name="microwattHours"/> with no carried fraction.</summary>
        public EnergyRegister(EnergyScale scale, long microwattHours)
            : this(scale, microwattHours, 0)
        {
        }

        /// <summary>Restores a register, including the carried fraction (numerator over the scale's denominator).</summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is negative or the remainder is not a proper fraction.</exception>
        public EnergyRegister(EnergyScale scale, long microwattHours, long remainder)
        {
            if (scale == null)
            {
                throw new ArgumentNullException("scale");
            }

            if (microwattHours < 0)
            {
                throw new ArgumentOutOfRangeException("microwattHours", "a cumulative register is never negative");
            }

            if (remainder < 0 || remainder >= scale.MicrowattHoursPerCountDenominator)
            {
                throw new ArgumentOutOfRangeException("remainder", "must be below the scale denominator");
            }

            _scale = scale;
            _microwattHours = microwattHours;
            _remainder = remainder;
        }

        /// <summary>The register value in whole microwatt-hours.</summary>
        public long MicrowattHours
        {
            get { return _microwattHours; }
        }

        /// <summary>The carried fraction of a µWh, as a numerator over <see cref="Scale"/>'s denominator.</summary>
        public long Remainder
        {
            get { return _remainder; }
        }

        /// <summary>The scale counts are converted with.</summary>
        public EnergyScale Scale
        {
            get { return _scale; }
        }

        /// <summary>
        /// Adds <paramref name="counts"/> register counts and returns how many whole µWh the register advanced.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">counts is negative: a cumulative register never goes back.</exception>
        public long AddCounts(long counts)
        {
            if (counts < 0)
            {
                throw new ArgumentOutOfRangeException("counts", "a cumulative register never decreases");
            }

            if (counts == 0)
            {
                return 0;
            }

            // counts * num / den + remainder / den, exactly: split counts * num = q * den + r.
            long r;
            long whole = WideMath.MultiplyDivide(counts, _scale.MicrowattHoursPerCountNumerator, _scale.MicrowattHoursPerCountDenominator, out r);
            long fraction = _remainder + r;
            if (fraction >= _scale.MicrowattHoursPerCountDenominator)
            {
                fraction -= _scale.MicrowattHoursPerCountDenominator;
                whole++;
            }

            _remainder = fraction;
            _microwattHours += whole;
            return whole;
        }

        /// <summary>
        /// Switches to a new scale (after a calibration change). The carried fraction, always below one µWh, is
        /// re-expressed over the new denominator; at most one part in the new denominator of a µWh is lost.
        /// </summary>
        public void ChangeScale(EnergyScale scale)
        {
            if (scale == null)
            {
                throw new ArgumentNullException("scale");
            }

            _remainder = WideMath.MultiplyDivide(_remainder, scale.MicrowattHoursPerCountDenominator, _scale.MicrowattHoursPerCountDenominator);
            _scale = scale;
        }
    }
}
