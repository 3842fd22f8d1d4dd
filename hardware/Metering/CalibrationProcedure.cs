namespace AssetMeter.Hardware.Metering
{
    /// <summary>
    /// Calibrates one phase of a metering IC on a rig: gain at the basic current and unity power factor, then
    /// phase at PF 0.5 inductive, then offset at 5% of the basic current, then a second gain pass (the three
    /// interact slightly). Each correction is written to the chip and verified before the next measurement.
    /// </summary>
    /// <remarks>
    /// The result is only the new record in force on the chip; storing it (with its integrity check), logging
    /// the change and flagging the period belong to the meter application, which is told through the version.
    /// </remarks>
    public sealed class CalibrationProcedure
    {
        /// <summary>Angle of PF 0.5 inductive: current lags voltage by 60 degrees.</summary>
        public const double InductiveHalfAngleDegrees = 60.0;

        private readonly IEnergyIc _ic;
        private readonly ICalibrationRig _rig;
        private readonly double _basicCurrentAmps;
        private readonly int _seconds;

        /// <summary>Creates a procedure measuring <paramref name="secondsPerPoint"/> at each load point.</summary>
        public CalibrationProcedure(IEnergyIc ic, ICalibrationRig rig, double basicCurrentAmps, int secondsPerPoint)
        {
            _ic = ic;
            _rig = rig;
            _basicCurrentAmps = basicCurrentAmps;
            _seconds = secondsPerPoint;
        }

        /// <summary>Runs the procedure on <paramref name="phase"/>; the calibration in force afterwards is <see cref="IEnergyIc.Calibration"/>.</summary>
        public IcStatus Run(int phase)
        {
            double reference;
            double meter;

            _rig.Apply(phase, _basicCurrentAmps, 0.0);
            _rig.Measure(_seconds, out reference, out meter);
            CalibrationCorrection gain = CalibrationCorrection.None;
            gain.GainFactor = CalibrationSolver.GainFactor(meter, reference);
            IcStatus status = Apply(phase, gain);
            if (status != IcStatus.Ok)
            {
                return status;
            }

            _rig.Apply(phase, _basicCurrentAmps, InductiveHalfAngleDegrees);
            _rig.Measure(_seconds, out reference, out meter);
            CalibrationCorrection phaseCorrection = CalibrationCorrection.None;
            phaseCorrection.PhaseDegrees = CalibrationSolver.PhaseCorrectionDegrees(meter, reference, InductiveHalfAngleDegrees);
            status = Apply(phase, phaseCorrection);
            if (status != IcStatus.Ok)
            {
                return status;
            }

            _rig.Apply(phase, _basicCurrentAmps / 20.0, 0.0);
            _rig.Measure(_seconds * 4, out reference, out meter);
            CalibrationCorrection offset = CalibrationCorrection.None;
            offset.OffsetWatts = CalibrationSolver.OffsetCorrectionWatts(meter, reference, _seconds * 4);
            status = Apply(phase, offset);
            if (status != IcStatus.Ok)
            {
                return status;
            }

            _rig.Apply(phase, _basicCurrentAmps, 0.0);
            _rig.Measure(_seconds, out reference, out meter);
            CalibrationCorrection trim = CalibrationCorrection.None;
            trim.GainFactor = CalibrationSolver.GainFactor(meter, reference);
            return Apply(phase, trim);
        }

        private IcStatus Apply(int phase, CalibrationCorrection correction)
        {
            return _ic.ApplyCalibration(_ic.Corrected(_ic.Calibration, phase, correction));
        }
    }
}
