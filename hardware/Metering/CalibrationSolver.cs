using System;

namespace AssetMeter.Hardware.Metering
{
    /// <summary>
    /// The arithmetic of calibration: from what the meter measured and what the reference meter measured at a
    /// known load point, the correction to apply. Gain at unity power factor, phase at a lagging power factor
    /// (where a phase error shows most), offset at low current (where it shows most).
    /// </summary>
    public static class CalibrationSolver
    {
        /// <summary>Gain factor that makes the meter agree with the reference at unity power factor.</summary>
        /// <exception cref="ArgumentOutOfRangeException">An energy is not positive.</exception>
        public static double GainFactor(double meterWattHours, double referenceWattHours)
        {
            RequirePositive(meterWattHours, referenceWattHours);
            return referenceWattHours / meterWattHours;
        }

        /// <summary>
        /// Phase correction (degrees) from a measurement at a load whose current lags the voltage by
        /// <paramref name="loadAngleDegrees"/> (60 for PF 0.5 inductive; negative for capacitive), made after the
        /// gain was corrected. Solves cos(phi + error) / cos(phi) = meter / reference for the error and returns its negative.
        /// </summary>
        public static double PhaseCorrectionDegrees(double meterWattHours, double referenceWattHours, double loadAngleDegrees)
        {
            RequirePositive(meterWattHours, referenceWattHours);
            double phi = loadAngleDegrees * Math.PI / 180.0;
            double cosMeasured = (meterWattHours / referenceWattHours) * Math.Cos(phi);
            if (cosMeasured > 1.0 || cosMeasured < -1.0)
            {
                throw new ArgumentOutOfRangeException("meterWattHours", "no phase error explains this ratio");
            }

            double measuredAngle = Math.Acos(cosMeasured);
            if (phi < 0)
            {
                measuredAngle = -measuredAngle;
            }

            double errorDegrees = (measuredAngle - phi) * 180.0 / Math.PI;
            return -errorDegrees;
        }

        /// <summary>Offset (watts to add) from a low-current measurement over <paramref name="seconds"/>, made after gain and phase.</summary>
        public static double OffsetCorrectionWatts(double meterWattHours, double referenceWattHours, double seconds)
        {
            if (seconds <= 0)
            {
                throw new ArgumentOutOfRangeException("seconds", "must be positive");
            }

            return (referenceWattHours - meterWattHours) * 3600.0 / seconds;
        }

        private static void RequirePositive(double meter, double reference)
        {
            if (!(meter > 0) || !(reference > 0))
            {
                throw new ArgumentOutOfRangeException("meterWattHours", "energies must be positive");
            }
        }
    }
}
