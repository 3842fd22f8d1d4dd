using System;
using AssetMeter.Hardware.Metering;
using AssetMeter.Metrology.Energy;

namespace AssetMeter.Hardware.Emulation
{
    /// <summary>
    /// A calibration bench made of an emulated chip: the source is the chip's load scenario, the reference
    /// meter is the true energy the emulator integrates, and the meter under test is the driver reading the
    /// chip's energy registers once a second, decoded by the metrology core exactly as the firmware does.
    /// </summary>
    public sealed class EmulatedCalibrationRig : ICalibrationRig
    {
        private readonly EmulatedMeteringChip _chip;
        private readonly IEnergyIc _ic;
        private readonly double _voltage;
        private readonly EnergyReading _reading = new();

        public EmulatedCalibrationRig(EmulatedMeteringChip chip, IEnergyIc ic, double nominalVoltage = 230.0)
        {
            _chip = chip;
            _ic = ic;
            _voltage = nominalVoltage;
        }

        /// <summary>Reference uncertainty is nil here; set a relative error to model an imperfect reference meter.</summary>
        public double ReferenceRelativeError { get; init; }

        public void Apply(int phase, double currentAmps, double loadAngleDegrees)
        {
            var loads = new PhaseLoad[_chip.Scenario.PhaseCount];
            for (int i = 0; i < loads.Length; i++)
            {
                loads[i] = i == phase ? new PhaseLoad(_voltage, currentAmps, loadAngleDegrees) : PhaseLoad.Idle(_voltage);
            }

            _chip.Scenario.From(_chip.Now, loads);
            _chip.Advance(2.0);
        }

        public void Measure(int seconds, out double referenceWattHours, out double meterWattHours)
        {
            var decoder = new EnergyDeltaDecoder(_ic.EnergyRegisterKind, _ic.Scale, EnergyDeltaDecoder.Type5MaximumDemandWatts);
            var import = new EnergyRegister(_ic.Scale, 0);
            var export = new EnergyRegister(_ic.Scale, 0);

            // The first read sets the baseline (accumulating) or empties the register (clear-on-read).
            Read(decoder, 0);
            double trueStart = _chip.TrueImportWattHours - _chip.TrueExportWattHours;
            for (int i = 0; i < seconds; i++)
            {
                _chip.Advance(1.0);
                EnergyDelta delta = Read(decoder, UtcTicks(1.0));
                import.AddCounts(delta.ImportCounts);
                export.AddCounts(delta.ExportCounts);
            }

            double trueEnergy = (_chip.TrueImportWattHours - _chip.TrueExportWattHours) - trueStart;
            referenceWattHours = Math.Abs(trueEnergy) * (1.0 + ReferenceRelativeError);
            meterWattHours = Math.Abs(import.MicrowattHours - export.MicrowattHours) / 1e6;
        }

        private EnergyDelta Read(EnergyDeltaDecoder decoder, long elapsedTicks)
        {
            IcStatus status = _ic.ReadEnergy(_reading);
            if (status != IcStatus.Ok)
            {
                throw new InvalidOperationException($"{_ic.PartName} read failed during calibration: {status}");
            }

            return _ic.EnergyRegisterKind == RegisterKind.Unsigned16ClearOnRead
                ? decoder.DecodeUnsigned16Pair(_reading.ForwardRaw, _reading.ReverseRaw, elapsedTicks)
                : decoder.DecodeSigned24(_reading.NetRaw, elapsedTicks);
        }

        private static long UtcTicks(double seconds) => (long)(seconds * 10_000_000);
    }
}
