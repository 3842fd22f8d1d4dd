using System;
using AssetMeter.Firmware.Clock;
using AssetMeter.Firmware.Events;
using AssetMeter.Firmware.Journal;
using AssetMeter.Hardware.Metering;
using AssetMeter.Metrology.Energy;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.Firmware.Metering
{
    /// <summary>
    /// The meter: reads the IC on a schedule its registers cannot overflow, turns register counts into exact
    /// cumulative registers, fills the UTC half-hour ledger, keeps time, and keeps everything on flash so that a
    /// power cut loses nothing already measured beyond the checkpoint window.
    /// </summary>
    /// <remarks>
    /// <para>Call <see cref="Start"/> once, then <see cref="Tick"/> every <see cref="PollIntervalTicks"/>, all on one
    /// thread. <see cref="SubmitTimeSample"/> may be called from another thread (the SNTP client's). A steady-state
    /// tick allocates nothing.</para>
    /// <para>Before the time is known after a start, energy is measured and held (and checkpointed); once the
    /// first synchronisation arrives it is spread over the right periods using the monotonic time since start-up.</para>
    /// </remarks>
    public sealed class MeteringLoop : IPeriodSink, IEventLog
    {
        private readonly IEnergyIc _ic;
        private readonly MeterJournal _journal;
        private readonly IMonotonicClock _monotonic;
        private readonly MeteringSettings _settings;
        private readonly IMeterObserver _observer;
        private readonly ClockDiscipline _clock = new ClockDiscipline();
        private readonly HalfHourLedger _ledger;
        private readonly EnergyReading _reading = new EnergyReading();
        private readonly MeterCheckpoint _state = new MeterCheckpoint();
        private readonly object _sampleLock = new object();

        private EnergyDeltaDecoder _decoder;
        private EnergyRegister _import;
        private EnergyRegister _export;
        private bool _started;
        private bool _icRunning;
        private bool _icFaulted;
        private long _icFailedReads;
        private long _lastIcAttempt;
        private long _bootMonotonic;
        private long _lastPoll;
        private long _lastCheckpoint;
        private long _energyAtCheckpoint;
        private long _lastHealthCheck;
        private bool _checkpointDue;
        private bool _restoredFromCheckpoint;
        private bool _journalFailing;
        private ClockQuality _lastQuality = ClockQuality.Unsynchronised;
        private bool _hasSample;
        private SntpSample _sample;
        private RtcHoldover _rtc;

        /// <summary>Creates the loop; nothing happens until <see cref="Start"/>.</summary>
        public MeteringLoop(IEnergyIc ic, MeterJournal journal, IMonotonicClock monotonic, MeteringSettings settings, IMeterObserver observer)
        {
            if (ic == null || journal == null || monotonic == null || settings == null)
            {
                throw new ArgumentNullException("ic");
            }

            _ic = ic;
            _journal = journal;
            _monotonic = monotonic;
            _settings = settings;
            _observer = observer;
            _ledger = new HalfHourLedger(this);
            PollIntervalTicks = PollSchedule.IntervalTicks(ic.EnergyRegisterKind, ic.Scale, settings.MaximumDemandWatts, settings.PreferredPollTicks);
        }

        /// <summary>Interval between reads of the IC: the preferred interval, or less if the registers could overflow.</summary>
        public long PollIntervalTicks { get; }

        /// <summary>
        /// The board's battery-backed RTC, or null if it has none. Set before <see cref="Start"/>: it then gives the time
        /// at start-up before any network, and is checked and set while synchronised (<see cref="RtcHoldover"/>).
        /// </summary>
        public IRealTimeClock RealTimeClock { get; set; }

        /// <summary>The RTC's holdover logic, null without an RTC.</summary>
        public RtcHoldover RtcHoldover
        {
            get { return _rtc; }
        }

        /// <summary>The meter's clock.</summary>
        public ClockDiscipline Clock
        {
            get { return _clock; }
        }

        /// <summary>The half-hour ledger (open period, registers).</summary>
        public HalfHourLedger Ledger
        {
            get { return _ledger; }
        }

        /// <summary>The journal.</summary>
        public MeterJournal Journal
        {
            get { return _journal; }
        }

        /// <summary>The IC.</summary>
        public IEnergyIc Ic
        {
            get { return _ic; }
        }

        /// <summary>Cumulative import register, µWh (including energy held while the time is unknown).</summary>
        public long ImportMicrowattHours
        {
            get { return _import.MicrowattHours; }
        }

        /// <summary>Cumulative export register, µWh.</summary>
        public long ExportMicrowattHours
        {
            get { return _export.MicrowattHours; }
        }

        /// <summary>Monotonic ticks of the last successful energy read (0 before the first).</summary>
        public long LastReadTicks { get; private set; }

        /// <summary>Active power (mW, import positive) the IC gave with the last successful energy read.</summary>
        public long LastActivePowerMilliwatts
        {
            get { return _reading.ActivePowerMilliwatts; }
        }

        /// <summary>True when the meter knows UTC and is filling periods.</summary>
        public bool TimeKnown
        {
            get { return _state.TimeKnown; }
        }

        /// <summary>The counters and state a checkpoint would hold now (read-only use).</summary>
        public MeterCheckpoint State
        {
            get { return _state; }
        }

        /// <summary>UTC now by the meter's clock, or 0 when unknown.</summary>
        public long UtcNow()
        {
            return _clock.IsKnown ? _clock.UtcTicks(_monotonic.Ticks) : 0;
        }

        /// <summary>Recovers the journal, restores the registers and the open period, and brings up the IC.</summary>
        public void Start()
        {
            if (_started)
            {
                throw new InvalidOperationException("already started");
            }

            _bootMonotonic = _monotonic.Ticks;
            _lastPoll = _bootMonotonic;
            _lastCheckpoint = _bootMonotonic;
            _lastHealthCheck = _bootMonotonic;
            _decoder = new EnergyDeltaDecoder(_ic.EnergyRegisterKind, _ic.Scale, _settings.MaximumDemandWatts);

            JournalRecovery recovery = _journal.Recover();
            MeterCheckpoint checkpoint = recovery.Checkpoint;
            long importStart = 0;
            long exportStart = 0;
            if (checkpoint != null)
            {
                Restore(checkpoint);
                importStart = _import.MicrowattHours;
                exportStart = _export.MicrowattHours;
            }
            else
            {
                _import = new EnergyRegister(_ic.Scale, 0);
                _export = new EnergyRegister(_ic.Scale, 0);
            }

            _started = true;
            for (int i = 0; i < recovery.FindingCount; i++)
            {
                JournalFinding finding = recovery.FindingAt(i);
                Log(EventCode.JournalCorruption, (long)finding.Kind, finding.Value1);
            }

            Log(EventCode.Started, recovery.PeriodCount, checkpoint != null ? 1 : 0);
            if (RealTimeClock != null)
            {
                StartFromRealTimeClock(checkpoint);
            }

            StartIc();
            _energyAtCheckpoint = importStart + exportStart;
            WriteCheckpoint();
        }

        /// <summary>Hands the meter an SNTP sample (any thread); it is applied at the next tick.</summary>
        public void SubmitTimeSample(SntpSample sample)
        {
            lock (_sampleLock)
            {
                _sample = sample;
                _hasSample = true;
            }
        }

        /// <summary>One poll: time, IC read, registers, ledger, journal.</summary>
        public void Tick()
        {
            RequireStarted();
            long now = _monotonic.Ticks;
            long elapsed = now - _lastPoll;
            _lastPoll = now;

            ApplyPendingSample(now);
            if (_rtc != null)
            {
                _rtc.Tick(now, _clock);
            }

            if (!_state.TimeKnown && _clock.IsKnown)
            {
                AttributeHeldEnergy(now);
            }
            else if (!_state.TimeKnown && _restoredFromCheckpoint && now - _bootMonotonic >= _settings.TimeWaitTicks)
            {
                // No synchronisation in time: carry on from the last checkpoint's time (an outage of unknown length
                // is taken as none), flagged unsynchronised until a sample arrives and steps the clock.
                _clock.SetProvisional(now, _state.Ledger.LastTicks);
                AttributeHeldEnergy(now);
            }

            PeriodFlags flags = ClockFlags(now);
            long importMicrowattHours = 0;
            long exportMicrowattHours = 0;
            if (ReadIc(now, elapsed, ref flags, out importMicrowattHours, out exportMicrowattHours))
            {
                LastReadTicks = now;
                if (_state.TimeKnown)
                {
                    _ledger.Record(_clock.UtcTicks(now), importMicrowattHours, exportMicrowattHours, flags);
                }
                else
                {
                    _state.PendingImportMicrowattHours += importMicrowattHours;
                    _state.PendingExportMicrowattHours += exportMicrowattHours;
                }
            }
            else if (_state.TimeKnown)
            {
                // Time still passes (periods close) while the IC is unreadable.
                _ledger.Record(_clock.UtcTicks(now), 0, 0, flags);
            }

            if (_icRunning && now - _lastHealthCheck >= _settings.HealthCheckTicks)
            {
                _lastHealthCheck = now;
                CheckIcHealth();
            }

            // Energy alone writes a checkpoint once 10 Wh has been measured, but never sooner than the minimum
            // interval after the last one: at high power every poll would otherwise write one, and the checkpoint is
            // what wears the flash (docs/firmware.md, "Flash wear").
            long energy = _import.MicrowattHours + _export.MicrowattHours;
            long sinceCheckpoint = now - _lastCheckpoint;
            bool energyDue = energy - _energyAtCheckpoint >= _settings.CheckpointEnergyMicrowattHours
                && sinceCheckpoint >= _settings.CheckpointMinimumTicks;
            if (_checkpointDue || energyDue || sinceCheckpoint >= _settings.CheckpointMaximumTicks)
            {
                WriteCheckpoint();
            }
        }

        /// <summary>
        /// Sets the clock on the authority of a collector (the command's authorisation is checked by the caller):
        /// always a step, logged and flagged.
        /// </summary>
        public void SetClock(long utcTicks, long boundTicks)
        {
            RequireStarted();
            long now = _monotonic.Ticks;
            bool wasKnown = _state.TimeKnown;
            long before;
            _clock.Set(now, utcTicks, boundTicks, out before);
            Log(EventCode.ClockSetByCollector, wasKnown ? before : 0, utcTicks);
            if (wasKnown)
            {
                _ledger.StepClock(utcTicks);
            }

            _checkpointDue = true;
        }

        /// <summary>Writes a calibration to the IC; on success it is logged and the open period flagged.</summary>
        public IcStatus ApplyCalibration(CalibrationRecord record)
        {
            RequireStarted();
            int previous = _ic.Calibration != null ? _ic.Calibration.Version : 0;
            IcStatus status = _ic.ApplyCalibration(record);
            if (status != IcStatus.Ok)
            {
                LogIcFault(status);
                return status;
            }

            _state.CalibrationVersion = record.Version;
            if (!_journal.WriteCalibration(record))
            {
                JournalFailed(3);
            }

            Log(EventCode.CalibrationChanged, record.Version, previous);
            if (_state.TimeKnown)
            {
                _ledger.Flag(PeriodFlags.CalibrationChanged);
            }

            _checkpointDue = true;
            return IcStatus.Ok;
        }

        /// <summary>The collector has every period up to <paramref name="periodIndex"/>; older segments may now be dropped.</summary>
        public void Acknowledge(long periodIndex)
        {
            if (periodIndex > _state.AcknowledgedPeriodIndex)
            {
                _state.AcknowledgedPeriodIndex = periodIndex;
                _journal.AcknowledgedPeriodIndex = periodIndex;
                _checkpointDue = true;
            }
        }

        /// <summary>
        /// Records that a signed snapshot used pagination number <paramref name="pagination"/> (at least
        /// <see cref="MeterCheckpoint.NextPagination"/>): the next one must be higher, across restarts too, so the
        /// number is checkpointed.
        /// </summary>
        public void UsePagination(long pagination)
        {
            if (pagination >= _state.NextPagination)
            {
                _state.NextPagination = pagination + 1;
                _checkpointDue = true;
            }
        }

        /// <summary>Records that events up to <paramref name="sequence"/> have been published.</summary>
        public void EventsPublished(uint sequence)
        {
            if (sequence > _state.PublishedEventSequence)
            {
                _state.PublishedEventSequence = sequence;
            }
        }

        /// <summary>Records the counter of an accepted collector command (replay protection survives restarts).</summary>
        public void AcceptCommandCounter(long counter)
        {
            if (counter > _state.LastCommandCounter)
            {
                _state.LastCommandCounter = counter;
                _checkpointDue = true;
            }
        }

        /// <summary>Logs an event (journaled and observed).</summary>
        public void Log(EventCode code, long value1, long value2)
        {
            MeterEvent meterEvent = new MeterEvent();
            meterEvent.Sequence = _state.NextEventSequence;
            _state.NextEventSequence++;
            meterEvent.UtcTicks = _clock.IsKnown ? _clock.UtcTicks(_monotonic.Ticks) : 0;
            meterEvent.Code = code;
            meterEvent.Value1 = value1;
            meterEvent.Value2 = value2;
            _journal.AppendEvent(meterEvent);
            if (_observer != null)
            {
                _observer.OnEvent(meterEvent);
            }
        }

        /// <summary>Writes a checkpoint now.</summary>
        public bool WriteCheckpoint()
        {
            _state.Ledger = _ledger.IsStarted ? _ledger.Checkpoint : _state.Ledger;
            _state.ImportRemainder = _import.Remainder;
            _state.ExportRemainder = _export.Remainder;
            _state.ScaleNumerator = _ic.Scale.MicrowattHoursPerCountNumerator;
            _state.ScaleDenominator = _ic.Scale.MicrowattHoursPerCountDenominator;
            _state.HasBaseline = _decoder.HasBaseline;
            _state.Baseline = _decoder.Baseline;
            _state.ClockFrequencyPpb = _clock.FrequencyPpb;
            if (!_state.TimeKnown && !_ledger.IsStarted)
            {
                // Before the very first time is known there is no open period: keep the registers in it anyway.
                _state.Ledger.Open.ImportStartMicrowattHours = _import.MicrowattHours - _state.PendingImportMicrowattHours;
                _state.Ledger.Open.ImportEndMicrowattHours = _state.Ledger.Open.ImportStartMicrowattHours;
                _state.Ledger.Open.ExportStartMicrowattHours = _export.MicrowattHours - _state.PendingExportMicrowattHours;
                _state.Ledger.Open.ExportEndMicrowattHours = _state.Ledger.Open.ExportStartMicrowattHours;
            }

            bool written = _journal.WriteCheckpoint(_state);
            if (written)
            {
                _lastCheckpoint = _monotonic.Ticks;
                _energyAtCheckpoint = _import.MicrowattHours + _export.MicrowattHours;
                _checkpointDue = false;
            }
            else
            {
                JournalFailed(1);
            }

            return written;
        }

        /// <summary>A closed period from the ledger: journal it, then tell the observer.</summary>
        public void OnPeriodClosed(HalfHourPeriod period)
        {
            long firstDropped;
            long lastDropped;
            JournalResult result = _journal.AppendPeriod(period, out firstDropped, out lastDropped);
            if (result == JournalResult.DroppedUnacknowledged)
            {
                Log(EventCode.PeriodsDropped, firstDropped, lastDropped);
                _ledger.Flag(PeriodFlags.StorageAlarm);
            }
            else if (result == JournalResult.WriteFailed)
            {
                JournalFailed(2);
            }
            else
            {
                _journalFailing = false;
            }

            _checkpointDue = true;
            if (_observer != null)
            {
                _observer.OnPeriodClosed(period);
            }
        }

        // ------------------------------------------------------------------ internals

        private void Restore(MeterCheckpoint checkpoint)
        {
            bool sameScale = checkpoint.ScaleNumerator == _ic.Scale.MicrowattHoursPerCountNumerator
                && checkpoint.ScaleDenominator == _ic.Scale.MicrowattHoursPerCountDenominator;
            long importTotal = checkpoint.Ledger.Open.ImportEndMicrowattHours + checkpoint.PendingImportMicrowattHours;
            long exportTotal = checkpoint.Ledger.Open.ExportEndMicrowattHours + checkpoint.PendingExportMicrowattHours;
            _import = new EnergyRegister(_ic.Scale, importTotal, sameScale ? checkpoint.ImportRemainder : 0);
            _export = new EnergyRegister(_ic.Scale, exportTotal, sameScale ? checkpoint.ExportRemainder : 0);

            _state.Ledger = checkpoint.Ledger;
            _state.AcknowledgedPeriodIndex = checkpoint.AcknowledgedPeriodIndex;
            _state.NextEventSequence = checkpoint.NextEventSequence;
            _state.NextPagination = checkpoint.NextPagination;
            _state.LastCommandCounter = checkpoint.LastCommandCounter;
            _state.PublishedEventSequence = checkpoint.PublishedEventSequence;
            _state.CalibrationVersion = checkpoint.CalibrationVersion;
            _state.PendingImportMicrowattHours = checkpoint.PendingImportMicrowattHours;
            _state.PendingExportMicrowattHours = checkpoint.PendingExportMicrowattHours;
            _state.TimeKnown = false;
            _journal.AcknowledgedPeriodIndex = checkpoint.AcknowledgedPeriodIndex;
            _clock.RestoreFrequency(checkpoint.ClockFrequencyPpb);

            // The IC kept counting if only the processor restarted: keep its baseline, so nothing is lost. If the
            // chip restarted too, the driver says so on the first read and the baseline goes back to zero.
            if (checkpoint.HasBaseline && _ic.EnergyRegisterKind == RegisterKind.Signed24Accumulating)
            {
                _decoder.RestoreBaseline(checkpoint.Baseline, 0);
            }

            bool wasMetering = checkpoint.TimeKnown || checkpoint.Ledger.Open.StartTicks != 0;
            if (wasMetering)
            {
                _ledger.Restore(checkpoint.Ledger);
                _restoredFromCheckpoint = true;
            }
        }

        // Time from the RTC, if it passes its checks: the first tick then attributes the energy held since start-up and
        // the outage as after any synchronisation, but every period stays flagged until SNTP confirms the time.
        private void StartFromRealTimeClock(MeterCheckpoint checkpoint)
        {
            _rtc = new RtcHoldover(RealTimeClock, _journal, this);
            long utc;
            long bound;
            if (_rtc.StartTime(checkpoint != null ? checkpoint.Ledger.LastTicks : 0, out utc, out bound))
            {
                long now = _monotonic.Ticks;
                _clock.SetFromRealTimeClock(now, utc, bound);
                _lastQuality = _clock.Quality(now);
            }
        }

        private void AttributeHeldEnergy(long now)
        {
            long utcNow = _clock.UtcTicks(now);
            long bootUtc = utcNow - (now - _bootMonotonic);
            if (_ledger.IsStarted)
            {
                long lastBefore = _ledger.LastTicks;
                _ledger.PowerRestored(bootUtc);
                Log(EventCode.PowerRestored, lastBefore, bootUtc);
            }
            else
            {
                _ledger.Start(bootUtc, _import.MicrowattHours - _state.PendingImportMicrowattHours, _export.MicrowattHours - _state.PendingExportMicrowattHours, PeriodFlags.None);
            }

            // Energy measured before the time was known, spread over the time since start-up.
            _ledger.Record(utcNow, _state.PendingImportMicrowattHours, _state.PendingExportMicrowattHours, PeriodFlags.ClockUnsynchronised);
            _state.PendingImportMicrowattHours = 0;
            _state.PendingExportMicrowattHours = 0;
            _state.TimeKnown = true;
            _checkpointDue = true;
        }

        private void ApplyPendingSample(long now)
        {
            SntpSample sample;
            lock (_sampleLock)
            {
                if (!_hasSample)
                {
                    sample = new SntpSample();
                }
                else
                {
                    sample = _sample;
                    _hasSample = false;
                }
            }

            if (sample.MonotonicTicks != 0 || sample.DelayTicks != 0 || sample.UtcMinusMonotonicTicks != 0)
            {
                bool wasKnown = _clock.IsKnown;
                long before;
                long after;
                ClockAdjustment adjustment = _clock.Apply(sample, out before, out after);
                if (adjustment == ClockAdjustment.Stepped && wasKnown && _state.TimeKnown)
                {
                    _ledger.StepClock(_clock.UtcTicks(now));
                    Log(EventCode.ClockStepped, before, after);
                    _checkpointDue = true;
                }
            }

            ClockQuality quality = _clock.Quality(now);
            if (quality != _lastQuality)
            {
                if (quality == ClockQuality.Synchronised)
                {
                    Log(EventCode.ClockSynchronised, (long)_lastQuality, _clock.ErrorBoundTicks(now));
                }
                else
                {
                    Log(EventCode.ClockSyncLost, (long)quality, _clock.ErrorBoundTicks(now));
                }

                _lastQuality = quality;
            }
        }

        private PeriodFlags ClockFlags(long now)
        {
            ClockQuality quality = _clock.Quality(now);
            return quality == ClockQuality.Synchronised || quality == ClockQuality.Holdover ? PeriodFlags.None : PeriodFlags.ClockUnsynchronised;
        }

        private bool ReadIc(long now, long elapsed, ref PeriodFlags flags, out long importMicrowattHours, out long exportMicrowattHours)
        {
            importMicrowattHours = 0;
            exportMicrowattHours = 0;
            if (!_icRunning)
            {
                if (now - _lastIcAttempt >= _settings.IcRetryTicks)
                {
                    StartIc();
                }

                flags |= PeriodFlags.IcFault;
                if (!_icRunning)
                {
                    return false;
                }
            }

            IcStatus status = _ic.ReadEnergy(_reading);
            if (status == IcStatus.ChipReset)
            {
                Log(EventCode.IcReset, (long)status, 0);
                flags |= PeriodFlags.IcFault;
                _icRunning = false;
                StartIc();
                return false;
            }

            if (status != IcStatus.Ok)
            {
                flags |= PeriodFlags.IcFault;
                _icFailedReads++;
                if (!_icFaulted)
                {
                    _icFaulted = true;
                    LogIcFault(status);
                }

                return false;
            }

            if (_icFaulted)
            {
                // Logged once when it started and once when it ended, not every second in between.
                _icFaulted = false;
                Log(EventCode.IcFault, 0, _icFailedReads);
                _icFailedReads = 0;
            }

            if (_reading.ChipRestarted)
            {
                Log(EventCode.IcReset, 0, 1);
                flags |= PeriodFlags.IcFault;
                _decoder.ResetBaseline(true);
            }

            EnergyDelta delta = _ic.EnergyRegisterKind == RegisterKind.Unsigned16ClearOnRead
                ? _decoder.DecodeUnsigned16Pair(_reading.ForwardRaw, _reading.ReverseRaw, elapsed)
                : _decoder.DecodeSigned24(_reading.NetRaw, elapsed);
            if (delta.Status == DeltaStatus.Implausible)
            {
                Log(EventCode.DeltaRefused, delta.RejectedCounts, elapsed);
                flags |= PeriodFlags.IcFault;
            }
            else if (delta.Status == DeltaStatus.Rebaselined)
            {
                Log(EventCode.IcRebaselined, delta.ImportCounts - delta.ExportCounts, 0);
                flags |= PeriodFlags.IcFault;
            }

            importMicrowattHours = _import.AddCounts(delta.ImportCounts);
            exportMicrowattHours = _export.AddCounts(delta.ExportCounts);
            return true;
        }

        private void StartIc()
        {
            _lastIcAttempt = _monotonic.Ticks;
            IcStatus status = _ic.Start();
            _icRunning = status == IcStatus.Ok;
            if (!_icRunning)
            {
                LogIcFault(status);
                return;
            }

            // A cold start reset the chip: its accumulating register starts again from zero, so count from zero.
            // A warm start left it counting: the baseline restored from the checkpoint still holds, and the energy
            // measured while the processor was restarting is counted.
            if (!_ic.LastStartWasWarm)
            {
                _decoder.ResetBaseline(true);
            }

            // A calibration written by a collector since the configuration was made is kept on flash: reapply it.
            CalibrationRecord stored = _journal.ReadCalibration();
            if (stored != null && stored.PartCode == _ic.PartCode && (_ic.Calibration == null || stored.Version > _ic.Calibration.Version))
            {
                IcStatus applied = _ic.ApplyCalibration(stored);
                if (applied != IcStatus.Ok)
                {
                    LogIcFault(applied);
                }
            }

            if (_ic.Calibration != null)
            {
                _state.CalibrationVersion = _ic.Calibration.Version;
            }
        }

        private void CheckIcHealth()
        {
            IcStatus status = _ic.CheckHealth();
            if (status == IcStatus.Ok)
            {
                return;
            }

            LogIcFault(status);
            if (_state.TimeKnown)
            {
                _ledger.Flag(PeriodFlags.IcFault);
            }

            // Reset or altered configuration: bring the chip up again with ours.
            _icRunning = false;
            StartIc();
            if (status == IcStatus.ChipReset)
            {
                _decoder.ResetBaseline(true);
            }
        }

        private void LogIcFault(IcStatus status)
        {
            IcFault fault = _ic.LastFault;
            Log(EventCode.IcFault, (long)status, fault.Register);
        }

        private void JournalFailed(int what)
        {
            if (!_journalFailing)
            {
                _journalFailing = true;
                Log(EventCode.JournalWriteFailed, what, 0);
            }
        }

        private void RequireStarted()
        {
            if (!_started)
            {
                throw new InvalidOperationException("call Start first");
            }
        }
    }
}
