using System;
using System.Collections.Generic;
using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Hardware.Metering;
using AssetMeter.Metrology.Energy;

namespace AssetMeter.Hardware.Tests
{
    using AssetMeter.Hardware.Ade7953;

    /// <summary>
    /// An emulated ADE7953 (optionally behind a fault-injecting bus), its driver, and the metrology core reading it
    /// as the firmware does: every simulated second, decoded by <see cref="EnergyDeltaDecoder"/> into import and
    /// export <see cref="EnergyRegister"/>s. Reads that fail are skipped and their time carried to the next one.
    /// </summary>
    internal sealed class Ade7953Bench
    {
        public const long TicksPerSecond = 10_000_000;

        private long _pendingTicks;
        private bool _haveBaseline;

        public Ade7953Bench(MetrologyErrorModel? error = null, FaultPlan? plan = null,
            Ade7953EnergyMode mode = Ade7953EnergyMode.Accumulating, CalibrationRecord? calibration = null, int seed = 1)
        {
            Scenario = new LoadScenario(1);
            Chip = new Ade7953Emulator(Scenario, error ?? MetrologyErrorModel.Ideal, seed) { Plan = plan };
            Plan = plan;
            Bus = plan == null ? Chip : new FaultInjectingBus(Chip, plan, () => Chip.Now);
            Clock = new EmulatorDriverClock(Chip);
            Driver = new Ade7953(Bus, Clock, calibration, mode);
            Decoder = new EnergyDeltaDecoder(Driver.EnergyRegisterKind, Driver.Scale, EnergyDeltaDecoder.Type5MaximumDemandWatts);
            Import = new EnergyRegister(Driver.Scale, 0);
            Export = new EnergyRegister(Driver.Scale, 0);
        }

        public LoadScenario Scenario { get; }

        public Ade7953Emulator Chip { get; }

        public FaultPlan? Plan { get; }

        public IBusDevice Bus { get; }

        public Ade7953 Driver { get; }

        public EnergyDeltaDecoder Decoder { get; }

        public EnergyRegister Import { get; }

        public EnergyRegister Export { get; }

        public EnergyReading Reading { get; } = new();

        public Dictionary<IcStatus, int> Statuses { get; } = new();

        public Dictionary<DeltaStatus, int> Deltas { get; } = new();

        public int Restarts { get; private set; }

        /// <summary>True net energy (Wh) when the decoder took its baseline: the meter counts from there.</summary>
        public double TrueNetAtBaseline { get; private set; }

        /// <summary>Energy lost to chip resets (Wh) when the baseline was taken.</summary>
        public double LostAtBaseline { get; private set; }

        public double CountedNetWattHours => (Import.MicrowattHours - Export.MicrowattHours) / 1e6;

        public double TrueNetWattHours => Chip.TrueImportWattHours - Chip.TrueExportWattHours - TrueNetAtBaseline;

        /// <summary>True net energy less what the chip lost to resets since the baseline: what a perfect driver counts.</summary>
        public double CountableNetWattHours => TrueNetWattHours - (Chip.LostWattHours - LostAtBaseline);

        public static double CountWattHours =>
            (double)Ade7953FrontEnd.EnergyScaleNumerator / Ade7953FrontEnd.EnergyScaleDenominator / 1e6;

        /// <summary>The shell's clock: waiting advances the emulator.</summary>
        public EmulatorDriverClock Clock { get; }

        public IcStatus Start()
        {
            Chip.Advance(0.1); // the shell waits out the power-up (datasheet p. 18)
            return Driver.Start();
        }

        public void Load(PhaseLoad load) => Scenario.From(Chip.Now, load);

        public static PhaseLoad At(double amps, double powerFactor, bool inductive, bool export) =>
            PhaseLoad.At(Ade7953FrontEnd.NominalVoltage, amps, powerFactor, inductive, export);

        /// <summary>Runs <paramref name="seconds"/> of simulated time, reading once a second.</summary>
        public void Run(int seconds)
        {
            for (int i = 0; i < seconds; i++)
            {
                Step();
            }
        }

        public IcStatus Step(double seconds = 1.0)
        {
            Chip.Advance(seconds);
            return Read((long)Math.Round(seconds * TicksPerSecond));
        }

        public IcStatus Read(long elapsedTicks)
        {
            _pendingTicks += elapsedTicks;
            IcStatus status = Driver.ReadEnergy(Reading);
            Statuses[status] = Statuses.GetValueOrDefault(status) + 1;
            if (status != IcStatus.Ok)
            {
                return status;
            }

            if (Reading.ChipRestarted)
            {
                Restarts++;
                Decoder.ResetBaseline(true);
            }

            EnergyDelta delta = Decoder.DecodeSigned24(Reading.NetRaw, _pendingTicks);
            _pendingTicks = 0;
            Deltas[delta.Status] = Deltas.GetValueOrDefault(delta.Status) + 1;
            if (!_haveBaseline)
            {
                _haveBaseline = true;
                TrueNetAtBaseline = Chip.TrueImportWattHours - Chip.TrueExportWattHours;
                LostAtBaseline = Chip.LostWattHours;
                if (Driver.EnergyRegisterKind == RegisterKind.Signed24ClearOnRead)
                {
                    // Clear-on-read: the first read is itself a delta (since the reset); count from here instead.
                    return status;
                }
            }

            Import.AddCounts(delta.ImportCounts);
            Export.AddCounts(delta.ExportCounts);
            return status;
        }

        public int Count(IcStatus status) => Statuses.GetValueOrDefault(status);

        public int Count(DeltaStatus status) => Deltas.GetValueOrDefault(status);
    }
}
