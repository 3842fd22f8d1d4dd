using System;
using System.Collections.Generic;
using AssetMeter.Metrology.Energy;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.VirtualMeter.Simulation
{
    /// <summary>
    /// Runs the metrology core over one simulated UTC day, as fast as the machine allows: a synthetic load
    /// drives a model of an IC's 16-bit clear-on-read forward/reverse energy registers (ATM90E32AS-like,
    /// 3.125 mWh per count), which the meter polls every second. The day contains a clock that is not yet
    /// synchronised at start-up and a power cut, so that the flags have something to say.
    /// </summary>
    /// <remarks>
    /// True energy is tracked exactly, in ninths of a microwatt-hour (one watt for one second is 2500/9 µWh),
    /// so the report can account for every fraction: metered + lost at the power cut + still inside the IC
    /// = true energy, with nothing left over.
    /// </remarks>
    public sealed class DaySimulation
    {
        /// <summary>µWh per count of the modelled IC: 1000 Wh / (3200 imp/kWh * 100 LSB per pulse) = 3.125 mWh.</summary>
        public const long MicrowattHoursPerCount = 3125;

        private const long NinthsPerCount = MicrowattHoursPerCount * 9;
        private const long Second = UtcPeriods.TicksPerSecond;

        private readonly SimulationOptions _options;

        public DaySimulation(SimulationOptions options)
        {
            _options = options;
        }

        public SimulationResult Run()
        {
            var result = new SimulationResult(_options);
            var scale = new EnergyScale(MicrowattHoursPerCount, 1);
            var load = new SyntheticLoad(_options.Seed);
            var meter = new MeterState(scale, result.Periods);
            long dayStart = _options.UtcDate.Ticks;
            meter.Start(dayStart);

            // The IC's internal accumulators (ninths of a µWh not yet turned into a register count).
            long chipForward = 0;
            long chipReverse = 0;
            Checkpoint? checkpoint = meter.Save();
            bool powered = true;

            for (int second = 0; second < 86400; second++)
            {
                long now = dayStart + ((second + 1) * Second);
                bool inCut = second >= _options.PowerCutStartSecond && second < _options.PowerCutEndSecond;
                if (inCut)
                {
                    if (powered)
                    {
                        // The cut: the IC loses what it had not yet handed over; the meter loses what it
                        // measured since its last checkpoint.
                        result.LostInIcNinths += chipForward + chipReverse;
                        chipForward = 0;
                        chipReverse = 0;
                        result.LostAtPowerCutNinths += meter.MeasuredSinceCheckpointNinths(checkpoint!);
                        powered = false;
                    }

                    continue;
                }

                if (!powered)
                {
                    meter = MeterState.Restore(scale, result.Periods, checkpoint!, now - Second);
                    powered = true;
                }

                int watts = load.PowerWatts(second);
                long ninths = (long)Math.Abs(watts) * 2500;
                if (watts >= 0)
                {
                    chipForward += ninths;
                    result.TrueImportNinths += ninths;
                }
                else
                {
                    chipReverse += ninths;
                    result.TrueExportNinths += ninths;
                }

                // Clear-on-read: the poll takes whole counts and leaves the fraction in the IC.
                int forwardCounts = (int)(chipForward / NinthsPerCount);
                int reverseCounts = (int)(chipReverse / NinthsPerCount);
                chipForward -= forwardCounts * NinthsPerCount;
                chipReverse -= reverseCounts * NinthsPerCount;

                var flags = second < _options.UnsynchronisedSeconds ? PeriodFlags.ClockUnsynchronised : PeriodFlags.None;
                int closedBefore = result.Periods.Count;
                meter.Poll(now, forwardCounts, reverseCounts, Second, flags);

                // A checkpoint on the interval, and whenever a period closes, so that a restart never closes
                // a period twice (the real meter journals the closed period and the checkpoint together).
                if ((second + 1) % _options.CheckpointSeconds == 0 || result.Periods.Count != closedBefore)
                {
                    checkpoint = meter.Save();
                }
            }

            result.InsideIcNinths = chipForward + chipReverse;
            result.OpenPeriod = meter.Ledger.OpenPeriod;
            result.MeteredImportMicrowattHours = meter.Ledger.ImportMicrowattHours;
            result.MeteredExportMicrowattHours = meter.Ledger.ExportMicrowattHours;
            return result;
        }

        /// <summary>What a checkpoint keeps: the ledger, and the registers' carried fractions.</summary>
        private sealed record Checkpoint(LedgerCheckpoint Ledger, long ImportRemainder, long ExportRemainder);

        /// <summary>The meter's volatile state: decoder, registers and ledger.</summary>
        private sealed class MeterState
        {
            private readonly EnergyDeltaDecoder _decoder;
            private readonly EnergyRegister _import;
            private readonly EnergyRegister _export;

            private MeterState(EnergyScale scale, List<HalfHourPeriod> periods, long import, long importRemainder, long export, long exportRemainder)
            {
                _decoder = new EnergyDeltaDecoder(RegisterKind.Unsigned16ClearOnRead, scale, EnergyDeltaDecoder.Type5MaximumDemandWatts);
                _import = new EnergyRegister(scale, import, importRemainder);
                _export = new EnergyRegister(scale, export, exportRemainder);
                Ledger = new HalfHourLedger(new ListSink(periods));
            }

            public MeterState(EnergyScale scale, List<HalfHourPeriod> periods)
                : this(scale, periods, 0, 0, 0, 0)
            {
            }

            public HalfHourLedger Ledger { get; }

            public void Start(long utcTicks) => Ledger.Start(utcTicks, 0, 0, PeriodFlags.None);

            public void Poll(long utcTicks, int forwardRaw, int reverseRaw, long elapsedTicks, PeriodFlags flags)
            {
                EnergyDelta delta = _decoder.DecodeUnsigned16Pair(forwardRaw, reverseRaw, elapsedTicks);
                if (delta.Status != DeltaStatus.Accepted)
                {
                    flags |= PeriodFlags.IcFault;
                }

                Ledger.Record(utcTicks, _import.AddCounts(delta.ImportCounts), _export.AddCounts(delta.ExportCounts), flags);
            }

            public Checkpoint Save() => new(Ledger.Checkpoint, _import.Remainder, _export.Remainder);

            /// <summary>Energy (ninths of a µWh) measured since <paramref name="checkpoint"/>, which a power cut now would lose.</summary>
            /// <remarks>The modelled IC's scale is a whole number of µWh per count, so registers carry no fraction.</remarks>
            public long MeasuredSinceCheckpointNinths(Checkpoint checkpoint)
            {
                long measured = (Ledger.ImportMicrowattHours - checkpoint.Ledger.Open.ImportEndMicrowattHours)
                    + (Ledger.ExportMicrowattHours - checkpoint.Ledger.Open.ExportEndMicrowattHours);
                return measured * 9;
            }

            public static MeterState Restore(EnergyScale scale, List<HalfHourPeriod> periods, Checkpoint checkpoint, long utcTicks)
            {
                var open = checkpoint.Ledger.Open;
                var state = new MeterState(scale, periods, open.ImportEndMicrowattHours, checkpoint.ImportRemainder, open.ExportEndMicrowattHours, checkpoint.ExportRemainder);
                state.Ledger.Restore(checkpoint.Ledger);
                state.Ledger.PowerRestored(utcTicks);
                return state;
            }
        }

        private sealed class ListSink : IPeriodSink
        {
            private readonly List<HalfHourPeriod> _periods;

            public ListSink(List<HalfHourPeriod> periods) => _periods = periods;

            public void OnPeriodClosed(HalfHourPeriod period) => _periods.Add(period);
        }
    }

    /// <summary>What to simulate.</summary>
    public sealed class SimulationOptions
    {
        /// <summary>The UTC day (midnight, UTC kind).</summary>
        public DateTime UtcDate { get; init; }

        public int Seed { get; init; } = 1;

        /// <summary>The clock is unsynchronised for this many seconds after start-up.</summary>
        public int UnsynchronisedSeconds { get; init; } = 90;

        /// <summary>Checkpoint interval of the simulated meter.</summary>
        public int CheckpointSeconds { get; init; } = 60;

        /// <summary>The power cut, in seconds after midnight.</summary>
        public int PowerCutStartSecond { get; init; } = (17 * 3600) + (40 * 60) + 37;

        public int PowerCutEndSecond { get; init; } = (17 * 3600) + (55 * 60);
    }

    /// <summary>Periods and the energy account of a simulated day.</summary>
    public sealed class SimulationResult
    {
        public SimulationResult(SimulationOptions options)
        {
            Options = options;
        }

        public SimulationOptions Options { get; }

        public List<HalfHourPeriod> Periods { get; } = new();

        public HalfHourPeriod OpenPeriod { get; set; }

        public long TrueImportNinths { get; set; }

        public long TrueExportNinths { get; set; }

        public long LostAtPowerCutNinths { get; set; }

        public long LostInIcNinths { get; set; }

        public long InsideIcNinths { get; set; }

        public long MeteredImportMicrowattHours { get; set; }

        public long MeteredExportMicrowattHours { get; set; }

        /// <summary>True energy minus everything accounted for; zero when nothing went missing.</summary>
        public long UnaccountedNinths =>
            TrueImportNinths + TrueExportNinths
            - ((MeteredImportMicrowattHours + MeteredExportMicrowattHours) * 9)
            - LostAtPowerCutNinths - LostInIcNinths - InsideIcNinths;
    }
}
