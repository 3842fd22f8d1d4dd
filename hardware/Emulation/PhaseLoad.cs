namespace AssetMeter.Hardware.Emulation
{
    /// <summary>
    /// What one phase carries at an instant: RMS voltage and current, and the angle by which the current lags
    /// the voltage (0: unity PF; 60: PF 0.5 inductive; -36.87: PF 0.8 capacitive; 180: unity PF export).
    /// </summary>
    public readonly record struct PhaseLoad(double VoltageRms, double CurrentRms, double LoadAngleDegrees, double FrequencyHz = 50.0)
    {
        /// <summary>True active power, watts (positive: import).</summary>
        public double ActivePowerWatts => VoltageRms * CurrentRms * System.Math.Cos(LoadAngleDegrees * System.Math.PI / 180.0);

        /// <summary>True apparent power, volt-amperes.</summary>
        public double ApparentPowerVoltAmperes => VoltageRms * CurrentRms;

        /// <summary>Power factor with the sign of the active power.</summary>
        public double PowerFactor => CurrentRms == 0 ? 1.0 : System.Math.Cos(LoadAngleDegrees * System.Math.PI / 180.0);

        /// <summary>No load at nominal voltage.</summary>
        public static PhaseLoad Idle(double voltage = 230.0) => new(voltage, 0.0, 0.0);

        /// <summary>A load point by power factor: inductive (current lagging) or capacitive, import or export.</summary>
        public static PhaseLoad At(double voltage, double current, double powerFactor, bool inductive, bool export)
        {
            double angle = System.Math.Acos(powerFactor) * 180.0 / System.Math.PI;
            if (!inductive)
            {
                angle = -angle;
            }

            if (export)
            {
                angle += 180.0;
            }

            return new PhaseLoad(voltage, current, angle);
        }
    }
}
