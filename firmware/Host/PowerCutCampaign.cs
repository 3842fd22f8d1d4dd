using System;
using System.Collections.Generic;
using System.Diagnostics;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Journal;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.Firmware.Host
{
    /// <summary>What a power-cut campaign found.</summary>
    public sealed class PowerCutReport
    {
        public int Cuts { get; set; }

        public int TornWrites { get; set; }

        public long PeriodsJournaled { get; set; }

        public double SimulatedHours { get; set; }

        /// <summary>Largest energy the meter had measured that a cut took away, Wh.</summary>
        public double WorstLossWattHours { get; set; }

        /// <summary>
        /// The window the harness allows, Wh: the design's bound at the maximum load plus one poll
        /// (<see cref="PowerCutCampaign.LossBound"/>).
        /// </summary>
        public double LossBoundWattHours { get; set; }

        /// <summary>Energy the chip had not yet handed over when power went (physically lost with the chip), Wh.</summary>
        public double LostInsideChipWattHours { get; set; }

        public List<string> Violations { get; } = new();

        public TimeSpan Elapsed { get; set; }
    }

    /// <summary>
    /// The power-cut harness: a virtual meter run for random stretches and killed at random moments, often in the
    /// middle of a flash write that is left torn in one of several ways, then powered up again on the same flash,
    /// again and again. After every restart it checks that no journaled period was lost, duplicated or changed,
    /// that the cumulative registers never went back, and that the energy a cut took away is within the stated
    /// window.
    /// </summary>
    public sealed class PowerCutCampaign
    {
        private const long Second = 10_000_000;
        private readonly IcKind _ic;
        private readonly int _seed;
        private readonly double _maximumLoadWatts;

        public PowerCutCampaign(IcKind ic, int seed, double maximumLoadWatts = 7360)
        {
            _ic = ic;
            _seed = seed;
            _maximumLoadWatts = maximumLoadWatts;
        }

        public PowerCutReport Run(int cuts)
        {
            var watch = Stopwatch.StartNew();
            var random = new Random(_seed);
            var report = new PowerCutReport();
            var memory = new MemoryStorage();
            var storage = new FaultInjectingStorage(memory, _seed);
            int phases = _ic == IcKind.Ade7953 ? 1 : 3;
            var rig = new VirtualMeterRig(new RigOptions { Ic = _ic, Load = RandomLoad(random, phases, cuts), Seed = _seed }, storage);
            var metering = new AssetMeter.Firmware.Metering.MeteringSettings();
            report.LossBoundWattHours = LossBound(metering, _maximumLoadWatts * phases);

            rig.Boot();
            rig.Run(120 * Second);
            var durable = new Dictionary<long, HalfHourPeriod>();
            long lastImport = rig.Meter.Loop.ImportMicrowattHours;
            long lastExport = rig.Meter.Loop.ExportMicrowattHours;
            CheckJournal(rig, durable, report, 0);

            for (int cut = 1; cut <= cuts; cut++)
            {
                long runFor = random.Next(5) == 0 ? random.Next(600, 7200) * Second : random.Next(1, 600) * Second;
                bool torn = random.Next(3) != 0;
                if (torn)
                {
                    storage.ArmCut(random.Next(1, 12), (TornWrite)random.Next(4));
                }

                long importBefore = 0;
                long exportBefore = 0;
                rig.Run(runFor, () =>
                {
                    if (storage.IsDead)
                    {
                        return true;
                    }

                    importBefore = rig.Meter.Loop.ImportMicrowattHours;
                    exportBefore = rig.Meter.Loop.ExportMicrowattHours;
                    return false;
                });

                if (storage.IsDead)
                {
                    report.TornWrites++;
                }
                else
                {
                    storage.Disarm();
                    storage.CutNow();
                    importBefore = rig.Meter.Loop.ImportMicrowattHours;
                    exportBefore = rig.Meter.Loop.ExportMicrowattHours;
                }

                // In the tick that died, the meter may already have counted more; what it counted before it is the
                // floor of what the cut can take. Registers at the death are what the dying tick had.
                long importAtDeath = Math.Max(importBefore, rig.Meter.Loop.ImportMicrowattHours);
                long exportAtDeath = Math.Max(exportBefore, rig.Meter.Loop.ExportMicrowattHours);

                double chipBefore = rig.Chip is Ade7953Emulator ade ? ade.LostWattHours : 0;
                rig.Outage(random.Next(0, 5) == 0 ? random.Next(1, 3 * 3600) * Second : random.Next(1, 120) * Second);
                if (rig.Chip is Ade7953Emulator after)
                {
                    report.LostInsideChipWattHours += after.LostWattHours - chipBefore;
                }

                storage.PowerUp();
                rig.Boot();

                long import = rig.Meter.Loop.ImportMicrowattHours;
                long export = rig.Meter.Loop.ExportMicrowattHours;
                if (import < lastImport || export < lastExport)
                {
                    report.Violations.Add($"cut {cut}: registers went back ({lastImport},{lastExport}) -> ({import},{export})");
                }

                double loss = ((importAtDeath - import) + (exportAtDeath - export)) / 1e6;
                report.WorstLossWattHours = Math.Max(report.WorstLossWattHours, loss);
                if (loss > report.LossBoundWattHours)
                {
                    report.Violations.Add($"cut {cut}: lost {loss:F3} Wh, more than the {report.LossBoundWattHours:F3} Wh window");
                }

                lastImport = import;
                lastExport = export;
                CheckJournal(rig, durable, report, cut);
                report.Cuts = cut;
                if (report.Violations.Count > 20)
                {
                    break;
                }
            }

            report.PeriodsJournaled = durable.Count;
            report.SimulatedHours = rig.Clock.Ticks / (3600.0 * Second);
            report.Elapsed = watch.Elapsed;
            return report;
        }

        /// <summary>
        /// The window a cut may take at <paramref name="loadWatts"/>, Wh: the design's bound
        /// (<see cref="EnergyAtRisk.WattHours"/>) plus one more poll at that load, the harness's allowance for the
        /// tick that dies (unchanged since the 10 Wh rule alone, when it read "10 Wh plus two polls").
        /// </summary>
        public static double LossBound(AssetMeter.Firmware.Metering.MeteringSettings metering, double loadWatts)
        {
            double pollWattHours = loadWatts * metering.PreferredPollTicks / Second / 3600.0;
            return EnergyAtRisk.WattHours(metering, loadWatts, metering.PreferredPollTicks) + pollWattHours;
        }

        // Every period journaled before is still there, unchanged; the journal is contiguous and chained.
        private static void CheckJournal(VirtualMeterRig rig, Dictionary<long, HalfHourPeriod> durable, PowerCutReport report, int cut)
        {
            var journal = rig.Journal;
            long first = journal.FirstPeriodIndex;
            long last = journal.LastPeriodIndex;
            HalfHourPeriod previous = default;
            bool havePrevious = false;
            for (long index = first; first >= 0 && index <= last; index++)
            {
                if (journal.TryReadPeriod(index, out var period) != PeriodReadStatus.Ok)
                {
                    report.Violations.Add($"cut {cut}: period {index} unreadable in a contiguous journal");
                    continue;
                }

                if (havePrevious && (period.ImportStartMicrowattHours != previous.ImportEndMicrowattHours || period.ExportStartMicrowattHours != previous.ExportEndMicrowattHours))
                {
                    report.Violations.Add($"cut {cut}: period {index} does not chain to {index - 1}");
                }

                if (durable.TryGetValue(index, out var before) && !before.Equals(period))
                {
                    report.Violations.Add($"cut {cut}: period {index} changed after it was journaled");
                }

                durable[index] = period;
                previous = period;
                havePrevious = true;
            }

            foreach (var index in durable.Keys)
            {
                if (index < first || index > last)
                {
                    report.Violations.Add($"cut {cut}: journaled period {index} was lost");
                    break;
                }
            }
        }

        // Loads that switch on and off at random, import and export, up to about 7.4 kW a phase.
        private static LoadScenario RandomLoad(Random random, int phases, int cuts)
        {
            var scenario = new LoadScenario(phases);
            double hours = (cuts * 1.2) + 24;
            double t = 0;
            while (t < hours * 3600)
            {
                t += random.Next(120, 3600);
                var load = random.Next(4) switch
                {
                    0 => PhaseLoad.Idle(),
                    1 => PhaseLoad.At(230, random.Next(1, 33), 0.9 + (random.NextDouble() * 0.1), random.Next(2) == 0, false),
                    2 => PhaseLoad.At(230, random.Next(1, 33), 0.95, true, true),
                    _ => PhaseLoad.At(230, 32, 1.0, true, false),
                };
                scenario.From(t, load);
            }

            return scenario;
        }
    }
}
