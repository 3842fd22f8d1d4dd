namespace AssetMeter.Hardware.Metering
{
    /// <summary>
    /// A chip-independent correction of one phase's active-power measurement, found by
    /// <see cref="CalibrationSolver"/> and turned into register values by the IC's driver.
    /// </summary>
    /// <remarks>
    /// The corrected power is GainFactor * V * I * cos(phi + error + PhaseDegrees) + OffsetWatts, where phi is
    /// the angle by which current lags voltage. Calibration maths is done in double: it runs rarely, on the
    /// bench, and needs about four significant figures.
    /// </remarks>
    public struct CalibrationCorrection
    {
        /// <summary>Multiply the measured power by this (1.0: no change).</summary>
        public double GainFactor;

        /// <summary>Add this to the measured phase angle, degrees (0: no change).</summary>
        public double PhaseDegrees;

        /// <summary>Add this to the measured active power, watts (0: no change).</summary>
        public double OffsetWatts;

        /// <summary>No correction.</summary>
        public static CalibrationCorrection None
        {
            get
            {
                CalibrationCorrection none = new CalibrationCorrection();
                none.GainFactor = 1.0;
                return none;
            }
        }
    }
}
