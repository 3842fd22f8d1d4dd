using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using AssetMeter.Firmware.Clock;
using AssetMeter.Firmware.Commands;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Events;
using AssetMeter.Firmware.Journal;
using AssetMeter.Firmware.Metering;
using AssetMeter.Firmware.Records;
using AssetMeter.Firmware.Storage;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.Firmware.Host
{
    /// <summary>What a simulated run covers.</summary>
    public sealed class SimulatedYearOptions
    {
        public IcKind Ic { get; init; } = IcKind.Ade7953;

        /// <summary>UTC start of the measured span (the meter boots a minute before, so its first whole period starts here).</summary>
        public DateTime StartUtc { get; init; } = new(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        /// <summary>Length of the measured span, days.</summary>
        public int Days { get; init; } = 365;

        /// <summary>
        /// The load, per phase, from the start of the measured span: a function of the phase count and the days to
        /// cover. Default: <see cref="ChargerDays"/>.
        /// </summary>
        public Func<int, int, LoadScenario>? Load { get; init; }

        /// <summary>The collector acknowledges what it has received after this many periods have closed: daily.</summary>
        public int AcknowledgeEveryPeriods { get; init; } = 48;

        /// <summary>Allocation and speed are measured after this many days (start-up, discovery and the first checkpoints are not steady state).</summary>
        public int SteadyAfterDays { get; init; } = 1;

        public int Seed { get; init; } = 1;

        /// <summary>
        /// When set, every storage operation of the journal is recorded here (<see cref="TracingStorage"/>), with a
        /// <c>day N</c> line at each UTC midnight of the measured span, for replay against the real LittleFS.
        /// </summary>
        public TextWriter? StorageTrace { get; init; }

        /// <summary>A line describing the run, written at the head of <see cref="StorageTrace"/>.</summary>
        public string? TraceDescription { get; init; }

        /// <summary>The metering settings (the defaults unless a bench explores another checkpoint policy).</summary>
        public MeteringSettings Metering { get; init; } = new();

        /// <summary>Seconds between operational metering messages (1 to 60), or 0 for no operational stream.</summary>
        public int OperationalIntervalSeconds { get; init; }
    }

    /// <summary>Why a steady-state tick allocated (the reasons the design accepts, and anything else).</summary>
    public enum AllocationCause
    {
        /// <summary>It handled a collector command (the command parser returns strings).</summary>
        Command = 0,

        /// <summary>
        /// It started a journal segment or event file, or wrote a file's second copy for the first time: the journal
        /// builds file names when a file changes, and the in-memory flash allocates each new file's blocks.
        /// </summary>
        NewFile = 1,

        /// <summary>None of the above: a steady-state allocation the design does not expect.</summary>
        Unexpected = 2,
    }

    /// <summary>What a simulated run measured.</summary>
    public sealed class SimulatedYearReport
    {
        public IcKind Ic { get; set; }

        public DateTime StartUtc { get; set; }

        public int Days { get; set; }

        public long PollIntervalTicks { get; set; }

        public long Ticks { get; set; }

        public TimeSpan Elapsed { get; set; }

        /// <summary>Processor time the process used for the run (the honest figure on a shared, loaded machine).</summary>
        public TimeSpan ProcessorTime { get; set; }

        /// <summary>Wall time spent inside MeterApplication.Tick (the rest is the emulated chip and this harness).</summary>
        public TimeSpan InMeter { get; set; }

        public long SteadyTicks { get; set; }

        /// <summary>Bytes allocated inside MeterApplication.Tick over the steady-state ticks.</summary>
        public long SteadyBytesAllocated { get; set; }

        /// <summary>Bytes allocated by the whole simulation step (emulator, time source, collector, meter) over the steady-state ticks.</summary>
        public long SteadyStepBytesAllocated { get; set; }

        public long[] AllocatingTicks { get; } = new long[3];

        public long[] AllocatedBytes { get; } = new long[3];

        public long LargestTickAllocation { get; set; }

        /// <summary>Periods closed whose start lies in the measured span.</summary>
        public long PeriodsClosed { get; set; }

        public long ExpectedPeriods { get; set; }

        /// <summary>Of those, how many read back from the journal intact and chained to the one before.</summary>
        public long PeriodsJournaledAndChained { get; set; }

        /// <summary>Of those, how many carry any flag.</summary>
        public long PeriodsFlagged { get; set; }

        public double MeteredImportWattHours { get; set; }

        public double TrueImportWattHours { get; set; }

        public double MeteredExportWattHours { get; set; }

        public double TrueExportWattHours { get; set; }

        /// <summary>One count of the IC's energy register, Wh.</summary>
        public double CountWattHours { get; set; }

        public int Phases { get; set; }

        public long AcknowledgementsSent { get; set; }

        public long AcknowledgedPeriodIndex { get; set; }

        public Dictionary<EventCode, long> Events { get; } = new();

        /// <summary>Days over which flash and network use were counted (the steady-state days).</summary>
        public int SteadyDays { get; set; }

        /// <summary>MQTT messages over the steady-state days.</summary>
        public long MqttMessages { get; set; }

        public long MqttBytes { get; set; }

        /// <summary>Flash writes over the steady-state days.</summary>
        public StorageCounts Storage { get; set; }

        public int PeakBlocksInUse { get; set; }

        /// <summary>
        /// Wall time of the steady-state ticks inside MeterApplication.Tick, by percentile (µs): what most ticks cost,
        /// apart from the rare ones that close a period, handle a command or send something.
        /// </summary>
        public double MedianTickMicroseconds { get; set; }

        public double P90TickMicroseconds { get; set; }

        public double P99TickMicroseconds { get; set; }

        public double TicksPerSecond => Ticks / Elapsed.TotalSeconds;

        public double TicksPerProcessorSecond => Ticks / ProcessorTime.TotalSeconds;

        public double MeterMicrosecondsPerTick => InMeter.TotalMilliseconds * 1000.0 / Ticks;

        public double SteadyBytesPerTick => SteadyTicks == 0 ? 0 : SteadyBytesAllocated / (double)SteadyTicks;
    }

    /// <summary>
    /// The whole meter application over a long simulated span at its real poll interval: an emulated IC (the real
    /// driver over its register-level emulator) under a daily load, the journal on counted in-memory flash, an
    /// always-connected MQTT transport, a time source every 64 s, records signed with HMAC, and a collector that
    /// acknowledges what it received once a day with an ECDSA-signed command that the meter verifies with the
    /// portable P-256 code. Measures speed, steady-state allocation, periods, energy conservation, flash and
    /// network use. bench/year/run.sh prints it; a two-day run is in the tests.
    /// </summary>
    public sealed class SimulatedYear
    {
        private const long Second = 10_000_000;
        private const long SampleIntervalTicks = 64 * Second;

        // Tick durations are counted in buckets of 10 ns (up to 200 µs; longer ticks fall in the last bucket).
        private const long DurationBucketsPerSecond = 100_000_000;

        private readonly SimulatedYearOptions _options;

        public SimulatedYear(SimulatedYearOptions options)
        {
            _options = options;
        }

        /// <summary>
        /// An EV charger's day, every day, on every phase: idle; 32 A from 01:00 to 05:00; a 16 A top-up from 13:00
        /// to 14:30; 10 A of vehicle-to-grid export from 17:00 to 19:00. The scenario's time 0 is <paramref name="leadSeconds"/> before the first day.
        /// </summary>
        public static LoadScenario ChargerDays(int phases, int days, double leadSeconds = 60)
        {
            var scenario = new LoadScenario(phases);
            for (int day = 0; day <= days; day++)
            {
                double at = leadSeconds + (day * 86400.0);
                scenario.From(at, PhaseLoad.Idle());
                scenario.From(at + (1 * 3600), PhaseLoad.At(230, 32, 0.99, true, false));
                scenario.From(at + (5 * 3600), PhaseLoad.Idle());
                scenario.From(at + (13 * 3600), PhaseLoad.At(230, 16, 0.98, true, false));
                scenario.From(at + (14.5 * 3600), PhaseLoad.Idle());
                scenario.From(at + (17 * 3600), PhaseLoad.At(230, 10, 1.0, true, true));
                scenario.From(at + (19 * 3600), PhaseLoad.Idle());
            }

            return scenario;
        }

        /// <summary>
        /// A heat pump on a cold day, every day, on every phase: 14 A at 230 V, PF 0.95 (3.06 kW a phase), running
        /// 45 minutes in every hour and resting 15, around the clock: 18 running hours, 55 kWh a phase a day.
        /// </summary>
        public static LoadScenario HeatPumpDays(int phases, int days, double leadSeconds = 60)
        {
            var scenario = new LoadScenario(phases);
            for (int hour = 0; hour <= days * 24; hour++)
            {
                double at = leadSeconds + (hour * 3600.0);
                scenario.From(at, PhaseLoad.At(230, 14, 0.95, true, false));
                scenario.From(at + (45 * 60), PhaseLoad.Idle());
            }

            return scenario;
        }

        /// <summary>
        /// A home battery cycling twice a day, on every phase: it charges at 5 kW (21.7 A at 230 V, PF 1) from
        /// 01:00 to 03:00 and from 11:00 to 13:00, and discharges (export) at 5 kW from 07:00 to 09:00 and from 17:00
        /// to 19:00: 20 kWh in and 20 kWh out a phase a day.
        /// </summary>
        public static LoadScenario BatteryDays(int phases, int days, double leadSeconds = 60)
        {
            const double Amperes = 5000.0 / 230.0;
            var scenario = new LoadScenario(phases);
            for (int day = 0; day <= days; day++)
            {
                double at = leadSeconds + (day * 86400.0);
                scenario.From(at, PhaseLoad.Idle());
                scenario.From(at + (1 * 3600), PhaseLoad.At(230, Amperes, 1.0, true, false));
                scenario.From(at + (3 * 3600), PhaseLoad.Idle());
                scenario.From(at + (7 * 3600), PhaseLoad.At(230, Amperes, 1.0, true, true));
                scenario.From(at + (9 * 3600), PhaseLoad.Idle());
                scenario.From(at + (11 * 3600), PhaseLoad.At(230, Amperes, 1.0, true, false));
                scenario.From(at + (13 * 3600), PhaseLoad.Idle());
                scenario.From(at + (17 * 3600), PhaseLoad.At(230, Amperes, 1.0, true, true));
                scenario.From(at + (19 * 3600), PhaseLoad.Idle());
            }

            return scenario;
        }

        public SimulatedYearReport Run()
        {
            int phases = _options.Ic == IcKind.Ade7953 ? 1 : 3;
            var load = _options.Load != null ? _options.Load(phases, _options.Days) : ChargerDays(phases, _options.Days);
            IStorage flash = new MemoryStorage();
            TracingStorage? tracing = null;
            if (_options.StorageTrace != null)
            {
                tracing = new TracingStorage(flash, _options.StorageTrace);
                tracing.Comment("asset-meter journal trace v1: W name bytes | D name | R name | L | day N");
                if (_options.TraceDescription != null)
                {
                    tracing.Comment(_options.TraceDescription);
                }

                flash = tracing;
            }

            var storage = new CountingStorage(flash);
            var mqtt = new LoopbackMqtt();
            using var collector = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var point = collector.ExportParameters(false).Q;
            var collectorKey = new byte[65];
            collectorKey[0] = 4;
            point.X!.CopyTo(collectorKey, 1);
            point.Y!.CopyTo(collectorKey, 33);

            var rig = new VirtualMeterRig(
                new RigOptions
                {
                    Ic = _options.Ic,
                    Load = load,
                    StartUtc = _options.StartUtc.AddSeconds(-60),
                    TimeSampleIntervalTicks = 0,
                    Transport = mqtt,
                    Signer = new HmacRecordSigner(Encoding.ASCII.GetBytes("simulated-year-meter-key-32-bytes!")),
                    Verifier = new EcdsaSignatureVerifier(),
                    CollectorKeys = new[] { collectorKey },
                    Seed = _options.Seed,
                    Metering = _options.Metering,
                    OperationalIntervalSeconds = _options.OperationalIntervalSeconds,
                    OperationalKey = _options.OperationalIntervalSeconds > 0 ? Encoding.ASCII.GetBytes("simulated-year-operational-key-32!") : null,
                },
                storage);
            long startUtc = _options.StartUtc.Ticks;
            long endUtc = _options.StartUtc.AddDays(_options.Days).Ticks;
            long steadyFromUtc = _options.StartUtc.AddDays(_options.SteadyAfterDays).Ticks;
            long firstIndex = startUtc / UtcPeriods.TicksPerPeriod;
            long lastIndex = (endUtc / UtcPeriods.TicksPerPeriod) - 1;
            var recorder = new RunObserver(firstIndex, lastIndex);
            rig.Observer = recorder;
            var meter = rig.Boot();
            var report = new SimulatedYearReport
            {
                Ic = _options.Ic,
                StartUtc = _options.StartUtc,
                Days = _options.Days,
                Phases = phases,
                PollIntervalTicks = meter.Loop.PollIntervalTicks,
                ExpectedPeriods = _options.Days * 48L,
                CountWattHours = rig.Ic.Scale.MicrowattHoursPerCountNumerator / (double)rig.Ic.Scale.MicrowattHoursPerCountDenominator / 1e6,
            };

            long nextSample = rig.Clock.Ticks;
            long nextDayUtc = startUtc;
            int day = 0;
            long counter = 0;
            long closedAtLastAck = 0;
            bool commandPending = false;
            bool started = false;
            bool countingSteady = false;
            long importAtStart = 0;
            long exportAtStart = 0;
            double trueImportAtStart = 0;
            double trueExportAtStart = 0;
            StorageCounts storageAtStart = storage.Counts;
            long mqttMessagesAtStart = 0;
            long mqttBytesAtStart = 0;
            long inMeter = 0;
            var durations = new long[20_000];
            var watch = Stopwatch.StartNew();
            var processor = Process.GetCurrentProcess().TotalProcessorTime;

            while (rig.TrueUtc < endUtc)
            {
                if (tracing != null && rig.TrueUtc >= nextDayUtc)
                {
                    // The operations of the tick that follows belong to the day that has just begun.
                    tracing.MarkDay(day++);
                    nextDayUtc += TimeSpan.TicksPerDay;
                }

                bool steady = rig.TrueUtc >= steadyFromUtc;
                long stepBefore = GC.GetAllocatedBytesForCurrentThread();
                rig.Clock.Advance(meter.Loop.PollIntervalTicks);
                if (rig.Clock.Ticks >= nextSample)
                {
                    nextSample = rig.Clock.Ticks + SampleIntervalTicks;
                    meter.SubmitTimeSample(new SntpSample { MonotonicTicks = rig.Clock.Ticks, UtcMinusMonotonicTicks = rig.UtcAtZero, DelayTicks = 2_000, Stratum = 2 });
                }

                long filesBefore = storage.FilesCreated;
                long closedBefore = recorder.PeriodsClosed;
                uint eventBefore = recorder.LastEventSequence;
                long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                long timeBefore = Stopwatch.GetTimestamp();
                meter.Tick();
                long duration = Stopwatch.GetTimestamp() - timeBefore;
                inMeter += duration;
                if (steady)
                {
                    durations[Math.Min(durations.Length - 1, (int)(duration * DurationBucketsPerSecond / Stopwatch.Frequency))]++;
                }
                long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                report.Ticks++;

                if (steady)
                {
                    report.SteadyTicks++;
                    report.SteadyBytesAllocated += allocated;
                    if (allocated > 0)
                    {
                        var cause = commandPending ? AllocationCause.Command
                            : storage.FilesCreated > filesBefore || StartedNewFile(recorder, closedBefore, eventBefore) ? AllocationCause.NewFile
                            : AllocationCause.Unexpected;
                        report.AllocatingTicks[(int)cause]++;
                        report.AllocatedBytes[(int)cause] += allocated;
                        report.LargestTickAllocation = Math.Max(report.LargestTickAllocation, allocated);
                    }
                }

                commandPending = false;
                if (!started && rig.TrueUtc >= startUtc)
                {
                    // Both sides of the energy comparison from the same instant, just after a read.
                    started = true;
                    importAtStart = meter.Loop.ImportMicrowattHours;
                    exportAtStart = meter.Loop.ExportMicrowattHours;
                    trueImportAtStart = rig.Chip.TrueImportWattHours;
                    trueExportAtStart = rig.Chip.TrueExportWattHours;
                }

                if (!countingSteady && rig.TrueUtc >= steadyFromUtc)
                {
                    countingSteady = true;
                    storageAtStart = storage.Counts;
                    mqttMessagesAtStart = mqtt.Messages;
                    mqttBytesAtStart = mqtt.Bytes;
                }

                // The collector: once a day's periods have been received, it acknowledges them.
                long sent = meter.NextPeriodToSend - 1;
                if (recorder.PeriodsClosed - closedAtLastAck >= _options.AcknowledgeEveryPeriods && sent >= recorder.LastClosedIndex)
                {
                    closedAtLastAck = recorder.PeriodsClosed;
                    counter++;
                    byte[] command = Acknowledgement(collector, rig.Meter.Topics.Serial, counter, meter.Loop.UtcNow(), sent);
                    meter.OnMessage(meter.Topics.Command, command, command.Length);
                    commandPending = true;
                    report.AcknowledgementsSent++;
                }

                if (steady)
                {
                    report.SteadyStepBytesAllocated += GC.GetAllocatedBytesForCurrentThread() - stepBefore;
                }
            }

            report.Elapsed = watch.Elapsed;
            report.ProcessorTime = Process.GetCurrentProcess().TotalProcessorTime - processor;
            report.InMeter = TimeSpan.FromSeconds(inMeter / (double)Stopwatch.Frequency);
            report.MedianTickMicroseconds = Percentile(durations, 0.50);
            report.P90TickMicroseconds = Percentile(durations, 0.90);
            report.P99TickMicroseconds = Percentile(durations, 0.99);
            report.MeteredImportWattHours = (meter.Loop.ImportMicrowattHours - importAtStart) / 1e6;
            report.MeteredExportWattHours = (meter.Loop.ExportMicrowattHours - exportAtStart) / 1e6;
            report.TrueImportWattHours = rig.Chip.TrueImportWattHours - trueImportAtStart;
            report.TrueExportWattHours = rig.Chip.TrueExportWattHours - trueExportAtStart;
            report.PeriodsClosed = recorder.ClosedInSpan;
            report.AcknowledgedPeriodIndex = meter.Loop.State.AcknowledgedPeriodIndex;
            report.SteadyDays = _options.Days - _options.SteadyAfterDays;
            report.Storage = storage.Counts.Minus(storageAtStart);
            report.PeakBlocksInUse = storage.PeakBlocksInUse;
            report.MqttMessages = mqtt.Messages - mqttMessagesAtStart;
            report.MqttBytes = mqtt.Bytes - mqttBytesAtStart;
            recorder.CopyEvents(report.Events);

            CheckJournal(rig.Journal, firstIndex, lastIndex, report);
            return report;
        }

        // A tick that closed the first period of a segment (its append opened a new file) or logged the first
        // event of a new event file.
        // The duration (µs) below which the given fraction of the counted ticks fell.
        private static double Percentile(long[] buckets, double fraction)
        {
            long total = 0;
            foreach (long count in buckets)
            {
                total += count;
            }

            long seen = 0;
            for (int i = 0; i < buckets.Length; i++)
            {
                seen += buckets[i];
                if (total > 0 && seen >= fraction * total)
                {
                    return (i + 1) * 1e6 / DurationBucketsPerSecond;
                }
            }

            return 0;
        }

        private static bool StartedNewFile(RunObserver recorder, long closedBefore, uint eventBefore)
        {
            bool newSegment = recorder.PeriodsClosed > closedBefore && recorder.LastClosedIndex % PeriodSegment.PeriodsPerSegment == 0;
            bool newEventFile = recorder.LastEventSequence > eventBefore
                && EventFile.FileOf(recorder.LastEventSequence) != EventFile.FileOf(eventBefore == 0 ? 1 : eventBefore);
            return newSegment || newEventFile;
        }

        private static void CheckJournal(MeterJournal journal, long firstIndex, long lastIndex, SimulatedYearReport report)
        {
            HalfHourPeriod previous = default;
            bool havePrevious = false;
            for (long index = firstIndex; index <= lastIndex; index++)
            {
                if (journal.TryReadPeriod(index, out var period) != PeriodReadStatus.Ok)
                {
                    havePrevious = false;
                    continue;
                }

                bool chained = !havePrevious || (period.ImportStartMicrowattHours == previous.ImportEndMicrowattHours && period.ExportStartMicrowattHours == previous.ExportEndMicrowattHours);
                if (chained)
                {
                    report.PeriodsJournaledAndChained++;
                }

                if (period.Flags != PeriodFlags.None)
                {
                    report.PeriodsFlagged++;
                }

                previous = period;
                havePrevious = true;
            }
        }

        // AMC1|{payload}|{DER signature hex}: what a collector sends (CommandAuthenticator).
        private static byte[] Acknowledgement(ECDsa collector, string serial, long counter, long meterUtc, long toPeriod)
        {
            string expiry = new DateTime(meterUtc, DateTimeKind.Utc).AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            string payload = $"{{\"v\":1,\"ms\":\"{serial}\",\"n\":{counter},\"ex\":\"{expiry}\",\"op\":\"ack\",\"to\":{toPeriod}}}";
            byte[] payloadBytes = Encoding.ASCII.GetBytes(payload);
            byte[] signature = collector.SignData(payloadBytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            return Encoding.ASCII.GetBytes("AMC1|" + payload + "|" + Convert.ToHexString(signature));
        }

        // Told of every period and event inside the meter's tick, so it allocates nothing itself.
        private sealed class RunObserver : IMeterObserver
        {
            private readonly long[] _events = new long[256];
            private readonly long _first;
            private readonly long _last;

            public RunObserver(long first, long last)
            {
                _first = first;
                _last = last;
            }

            public long PeriodsClosed { get; private set; }

            /// <summary>Periods closed whose index lies from the first to the last given.</summary>
            public long ClosedInSpan { get; private set; }

            public long LastClosedIndex { get; private set; } = -1;

            public uint LastEventSequence { get; private set; }

            public void OnPeriodClosed(HalfHourPeriod period)
            {
                PeriodsClosed++;
                LastClosedIndex = period.StartTicks / UtcPeriods.TicksPerPeriod;
                if (LastClosedIndex >= _first && LastClosedIndex <= _last)
                {
                    ClosedInSpan++;
                }
            }

            public void OnEvent(MeterEvent meterEvent)
            {
                LastEventSequence = meterEvent.Sequence;
                _events[(int)meterEvent.Code & 0xFF]++;
            }

            public void CopyEvents(Dictionary<EventCode, long> into)
            {
                for (int code = 0; code < _events.Length; code++)
                {
                    if (_events[code] > 0)
                    {
                        into[(EventCode)code] = _events[code];
                    }
                }
            }
        }
    }
}
