using System;
using AssetMeter.Firmware.Clock;
using AssetMeter.Firmware.Events;
using AssetMeter.Firmware.Storage;
using AssetMeter.Firmware.Text;
using AssetMeter.Hardware.Metering;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.Firmware.Journal
{
    /// <summary>How an append went.</summary>
    public enum JournalResult
    {
        /// <summary>Stored.</summary>
        Ok = 0,

        /// <summary>Stored, after dropping the oldest segment, which the collector had acknowledged.</summary>
        DroppedAcknowledged = 1,

        /// <summary>Stored, but only by dropping periods the collector had not acknowledged: log an event and raise the alarm flag.</summary>
        DroppedUnacknowledged = 2,

        /// <summary>The write failed; the data is kept in RAM and goes out with the next write of the same file.</summary>
        WriteFailed = 3,
    }

    /// <summary>How reading a journaled period went.</summary>
    public enum PeriodReadStatus
    {
        /// <summary>Read and intact.</summary>
        Ok = 0,

        /// <summary>Not in the journal (never journaled, dropped, or not closed yet).</summary>
        Missing = 1,

        /// <summary>The entry failed its CRC in every copy.</summary>
        Corrupt = 2,

        /// <summary>The entry is intact but the previous one is not, so the period's start registers are unknown.</summary>
        StartUnknown = 3,
    }

    /// <summary>
    /// The meter's journal on flash: closed half-hour periods (segments of five UTC days), events, and checkpoints.
    /// Every file is written whole; anything rewritten keeps a second copy (".a"/".b") and carries a write sequence
    /// and CRCs, so a write torn by a power cut loses at most that write, never what was stored before it.
    /// </summary>
    /// <remarks>
    /// <para>Single-threaded: the shell serialises calls. Steady state allocates nothing: buffers are allocated
    /// once; file names are built only when a segment or event file changes.</para>
    /// <para>Capacity: <c>maximumSegments</c> segments (84 by default: 420 days, about 300 KB on LittleFS at one
    /// 4 KB block each) plus <c>maximumEventFiles</c> event files (8: 960 events). The oldest segment is dropped
    /// only when a new one is needed; if the collector had not acknowledged it, the append says so.</para>
    /// </remarks>
    public sealed class MeterJournal
    {
        /// <summary>Default number of segments kept: 84 x 5 days = 420 days.</summary>
        public const int DefaultMaximumSegments = 84;

        /// <summary>Default number of event files kept.</summary>
        public const int DefaultMaximumEventFiles = 8;

        private const string CheckpointA = "ck.a";
        private const string CheckpointB = "ck.b";
        private const string CalibrationA = "cal.a";
        private const string CalibrationB = "cal.b";
        private const string RtcRecordA = "rtc.a";
        private const string RtcRecordB = "rtc.b";
        private const int MaximumFiles = 512;

        private readonly IStorage _storage;
        private readonly int _maximumSegments;
        private readonly int _maximumEventFiles;
        private uint _rtcSequence;
        private bool _rtcNextIsB;
        private readonly PeriodSegment _current = new PeriodSegment();
        private readonly PeriodSegment _cache = new PeriodSegment();
        private readonly byte[] _io = new byte[PeriodSegment.MaximumLength > EventFile.MaximumLength ? PeriodSegment.MaximumLength : EventFile.MaximumLength];
        private readonly byte[] _checkpoint = new byte[CheckpointCodec.Length];
        private readonly byte[] _events = new byte[EventFile.MaximumLength];
        private readonly long[] _segments;

        // The file names of each segment in _segments, built once when the segment is added: reading an old period
        // (a resend) must not build strings on every switch between segments.
        private readonly string[] _segmentNamesA;
        private readonly string[] _segmentNamesB;

        private int _segmentCount;
        private bool _hasCurrent;
        private bool _currentNextIsB;
        private bool _currentDirty;
        private string _currentA;
        private string _currentB;
        private long _cachedSegment = -1;
        private uint _checkpointSequence;
        private bool _checkpointNextIsB;
        private bool _calibrationNextIsB;
        private long _eventFile = -1;
        private int _eventCount;
        private uint _eventWriteSequence;
        private bool _eventNextIsB;
        private string _eventA;
        private string _eventB;

        /// <summary>Creates a journal on <paramref name="storage"/> with the default capacity.</summary>
        public MeterJournal(IStorage storage)
            : this(storage, DefaultMaximumSegments, DefaultMaximumEventFiles)
        {
        }

        /// <summary>Creates a journal on <paramref name="storage"/>.</summary>
        public MeterJournal(IStorage storage, int maximumSegments, int maximumEventFiles)
        {
            if (storage == null)
            {
                throw new ArgumentNullException("storage");
            }

            if (maximumSegments < 2 || maximumEventFiles < 2)
            {
                throw new ArgumentOutOfRangeException("maximumSegments", "keep at least two segments and two event files");
            }

            _storage = storage;
            _maximumSegments = maximumSegments;
            _maximumEventFiles = maximumEventFiles;
            _segments = new long[maximumSegments + 1];
            _segmentNamesA = new string[maximumSegments + 1];
            _segmentNamesB = new string[maximumSegments + 1];
        }

        /// <summary>Highest period index the collector has acknowledged (set by the meter from its checkpoint), or -1.</summary>
        public long AcknowledgedPeriodIndex { get; set; } = -1;

        /// <summary>Index of the first period still journaled, or -1.</summary>
        public long FirstPeriodIndex { get; private set; } = -1;

        /// <summary>Index of the last period journaled, or -1.</summary>
        public long LastPeriodIndex
        {
            get { return _hasCurrent && _current.Count > 0 ? _current.EndPeriodIndex - 1 : _lastBeforeCurrent; }
        }

        /// <summary>Bytes written to storage since this journal was created (for the flash wear report).</summary>
        public long BytesWritten { get; private set; }

        /// <summary>Files written since this journal was created.</summary>
        public long FilesWritten { get; private set; }

        private long _lastBeforeCurrent = -1;

        // ------------------------------------------------------------------ recovery

        /// <summary>
        /// Reads everything back after a start: picks the newest intact copy of each file, merges intact entries
        /// from both copies of a segment, and reconciles the checkpoint with the journaled periods (the periods win:
        /// registers never go back and a closed period is never closed twice).
        /// </summary>
        public JournalRecovery Recover()
        {
            JournalRecovery recovery = new JournalRecovery();
            string[] names = new string[MaximumFiles];
            int count = _storage.List(names);

            MeterCheckpoint checkpoint = RecoverCheckpoint(recovery);
            RecoverSegments(names, count, recovery);
            RecoverEvents(names, count, recovery);

            recovery.LastPeriodIndex = LastPeriodIndex;
            recovery.Checkpoint = Reconcile(checkpoint, recovery);
            if (recovery.Checkpoint != null && recovery.LastEventSequence >= recovery.Checkpoint.NextEventSequence)
            {
                recovery.Checkpoint.NextEventSequence = recovery.LastEventSequence + 1;
            }

            if (recovery.Checkpoint != null)
            {
                AcknowledgedPeriodIndex = recovery.Checkpoint.AcknowledgedPeriodIndex;
            }

            return recovery;
        }

        private MeterCheckpoint RecoverCheckpoint(JournalRecovery recovery)
        {
            MeterCheckpoint best = null;
            uint bestSequence = 0;
            int present = 0;
            for (int copy = 0; copy < 2; copy++)
            {
                int length = _storage.Read(copy == 0 ? CheckpointA : CheckpointB, _checkpoint);
                if (length < 0)
                {
                    continue;
                }

                present++;
                uint sequence;
                MeterCheckpoint candidate = CheckpointCodec.Read(_checkpoint, length, out sequence);
                if (candidate != null && (best == null || sequence > bestSequence))
                {
                    best = candidate;
                    bestSequence = sequence;
                    _checkpointNextIsB = copy == 0;
                }
            }

            _checkpointSequence = bestSequence;
            if (best == null && present > 0)
            {
                recovery.Add(JournalFindingKind.CheckpointLost, present, 0);
            }

            return best;
        }

        private void RecoverSegments(string[] names, int count, JournalRecovery recovery)
        {
            _segmentCount = 0;
            for (int i = 0; i < count; i++)
            {
                long number;
                bool isB;
                if (ParseName(names[i], 's', out number, out isB) && IndexOfSegment(number) < 0 && _segmentCount < _segments.Length)
                {
                    InsertSegment(number);
                }
            }

            PeriodSegment other = new PeriodSegment();
            int kept = 0;
            for (int i = 0; i < _segmentCount; i++)
            {
                long number = _segments[i];
                bool last = i == _segmentCount - 1;
                string nameA = _segmentNamesA[i];
                string nameB = _segmentNamesB[i];
                bool aValid = LoadSegment(nameA, _current);
                bool bValid = LoadSegment(nameB, other);
                if (!aValid && !bValid)
                {
                    recovery.Add(JournalFindingKind.SegmentLost, number, 0);
                    TryDelete(nameA);
                    TryDelete(nameB);
                    continue;
                }

                // Newest intact header wins; the other copy (one write older) fills entries that fail in the newest.
                bool newestIsB = bValid && (!aValid || other.WriteSequence > _current.WriteSequence);
                PeriodSegment newest = _current;
                PeriodSegment older = other;
                if (newestIsB)
                {
                    newest = other;
                    older = _current;
                }

                bool olderUsable = (newestIsB ? aValid : bValid) && older.SameBaseAs(newest);

                // "repaired": what survives is not exactly the newest copy as stored, so that copy must not be
                // trusted to hold it; the other copy is then the one to keep untouched.
                bool repaired = false;
                if (olderUsable && older.Count > newest.Count)
                {
                    // The newest copy was cut short (a torn write): the older copy still has the entries it lost.
                    newest.ExtendFrom(older);
                    repaired = true;
                }

                if (last)
                {
                    // In the segment being written, bad entries at the very end of the newest copy that the older
                    // copy does not have are the write that was torn by the cut, not corruption: drop them.
                    int covered = olderUsable ? older.Count : 0;
                    while (newest.Count > covered && !newest.IsEntryIntact(newest.Count - 1))
                    {
                        newest.TruncateTo(newest.Count - 1);
                        repaired = true;
                    }
                }

                long firstCorrupt = -1;
                long lastCorrupt = -1;
                for (int position = 0; position < newest.Count; position++)
                {
                    if (newest.IsEntryIntact(position))
                    {
                        continue;
                    }

                    if (olderUsable && position < older.Count && older.IsEntryIntact(position))
                    {
                        newest.TakeEntryFrom(older, position);
                        repaired = true;
                        continue;
                    }

                    long index = newest.FirstPeriodIndex + position;
                    if (firstCorrupt < 0)
                    {
                        firstCorrupt = index;
                    }

                    lastCorrupt = index;
                }

                if (firstCorrupt >= 0)
                {
                    recovery.Add(JournalFindingKind.EntriesCorrupt, firstCorrupt, lastCorrupt);
                }

                if (newestIsB)
                {
                    // Keep the working copy in _current.
                    newest.Seal();
                    _current.Load(newest.Buffer, newest.Length);
                    _current.WriteSequence = other.WriteSequence;
                }

                if (FirstPeriodIndex < 0)
                {
                    FirstPeriodIndex = _current.FirstPeriodIndex;
                }

                recovery.PeriodCount += _current.Count;
                _segments[kept] = number;
                _segmentNamesA[kept] = nameA;
                _segmentNamesB[kept] = nameB;
                kept++;
                if (last)
                {
                    // The next write goes where losing it costs nothing: over the damaged newest copy when the data
                    // had to be pieced together (the older copy is then the intact fallback), else over the older.
                    _hasCurrent = true;
                    _currentA = nameA;
                    _currentB = nameB;
                    _currentNextIsB = repaired ? newestIsB : !newestIsB;
                }
                else
                {
                    // A sealed segment keeps one copy. If it had to be repaired, the repaired segment is written over
                    // the damaged newest copy first and only then is the older copy deleted, so an intact copy exists
                    // at every moment.
                    _lastBeforeCurrent = _current.EndPeriodIndex - 1;
                    if (repaired)
                    {
                        _current.WriteSequence++;
                        _current.Seal();
                        if (Write(newestIsB ? nameB : nameA, _current.Buffer, _current.Length))
                        {
                            TryDelete(newestIsB ? nameA : nameB);
                        }
                    }
                    else
                    {
                        TryDelete(newestIsB ? nameA : nameB);
                    }
                }
            }

            _segmentCount = kept;
            if (!_hasCurrent)
            {
                _current.Begin(0, 0, 0);
            }
        }

        private bool LoadSegment(string name, PeriodSegment segment)
        {
            int length = _storage.Read(name, _io);
            return length >= 0 && segment.Load(_io, length);
        }

        private void RecoverEvents(string[] names, int count, JournalRecovery recovery)
        {
            long newestFile = -1;
            for (int i = 0; i < count; i++)
            {
                long number;
                bool isB;
                if (ParseName(names[i], 'e', out number, out isB) && number > newestFile)
                {
                    newestFile = number;
                }
            }

            if (newestFile < 0)
            {
                return;
            }

            _eventFile = newestFile;
            _eventA = EventName(newestFile, false);
            _eventB = EventName(newestFile, true);
            uint bestSequence = 0;
            int bestCount = -1;
            for (int copy = 0; copy < 2; copy++)
            {
                int length = _storage.Read(copy == 0 ? _eventA : _eventB, _io);
                if (length < 0)
                {
                    continue;
                }

                uint sequence;
                long number;
                int entries = EventFile.ReadHeader(_io, length, out sequence, out number);
                if (entries >= 0 && number == newestFile && (bestCount < 0 || sequence > bestSequence))
                {
                    bestSequence = sequence;
                    bestCount = entries;
                    Array.Copy(_io, 0, _events, 0, EventFile.LengthFor(entries));
                    _eventNextIsB = copy == 0;
                }
            }

            if (bestCount < 0)
            {
                recovery.Add(JournalFindingKind.EventFileLost, newestFile, 0);
                _eventCount = 0;
                _eventWriteSequence = 0;
                return;
            }

            _eventCount = bestCount;
            _eventWriteSequence = bestSequence;
            for (int position = bestCount - 1; position >= 0; position--)
            {
                MeterEvent found;
                if (EventFile.ReadEntry(_events, position, out found))
                {
                    recovery.LastEventSequence = found.Sequence;
                    break;
                }
            }
        }

        private MeterCheckpoint Reconcile(MeterCheckpoint checkpoint, JournalRecovery recovery)
        {
            long last = LastPeriodIndex;
            if (last < 0)
            {
                return checkpoint;
            }

            long importEnd;
            long exportEnd;
            PeriodFlags lastFlags;
            PeriodReadStatus status = ReadEnd(last, out importEnd, out exportEnd, out lastFlags);
            if (status != PeriodReadStatus.Ok)
            {
                // The last entry is damaged: the checkpoint, if any, is the best knowledge left.
                return checkpoint;
            }

            long nextStart = (last + 1) * UtcPeriods.TicksPerPeriod;
            if (checkpoint == null)
            {
                recovery.CheckpointRebuilt = true;
                MeterCheckpoint rebuilt = new MeterCheckpoint();
                rebuilt.TimeKnown = true;
                rebuilt.Ledger = OpenAfter(nextStart, importEnd, exportEnd);
                return rebuilt;
            }

            long openIndex = checkpoint.Ledger.Open.StartTicks / UtcPeriods.TicksPerPeriod;
            if (openIndex <= last)
            {
                // Periods closed after this checkpoint was written: resume after the last journaled one. The
                // registers are whichever is higher, so they never go back.
                recovery.Add(JournalFindingKind.CheckpointStale, openIndex, last);
                recovery.CheckpointRebuilt = true;
                checkpoint.Ledger = OpenAfter(nextStart, Max(importEnd, checkpoint.Ledger.Open.ImportEndMicrowattHours), Max(exportEnd, checkpoint.Ledger.Open.ExportEndMicrowattHours));
                return checkpoint;
            }

            if (openIndex > last + 1)
            {
                recovery.Add(JournalFindingKind.PeriodsMissing, last + 1, openIndex - 1);
            }

            return checkpoint;
        }

        private static LedgerCheckpoint OpenAfter(long startTicks, long import, long export)
        {
            LedgerCheckpoint ledger = new LedgerCheckpoint();
            ledger.LastTicks = startTicks;
            ledger.Open.StartTicks = startTicks;
            ledger.Open.ImportStartMicrowattHours = import;
            ledger.Open.ImportEndMicrowattHours = import;
            ledger.Open.ExportStartMicrowattHours = export;
            ledger.Open.ExportEndMicrowattHours = export;
            ledger.Open.Flags = PeriodFlags.PowerLost | PeriodFlags.Partial;
            return ledger;
        }

        // ------------------------------------------------------------------ periods

        /// <summary>
        /// Journals a closed period. Periods must arrive in order, each chained to the previous one.
        /// <paramref name="firstDropped"/> and <paramref name="lastDropped"/> give the periods dropped to make room, if any.
        /// </summary>
        /// <exception cref="InvalidOperationException">The period does not follow the last journaled period (a bug, never a flash fault).</exception>
        public JournalResult AppendPeriod(HalfHourPeriod period, out long firstDropped, out long lastDropped)
        {
            firstDropped = -1;
            lastDropped = -1;
            long index = period.StartTicks / UtcPeriods.TicksPerPeriod;
            JournalResult result = JournalResult.Ok;
            if (!_hasCurrent || _current.Count == 0 && _segmentCount == 0)
            {
                StartSegment(index, period);
            }
            else if (!_current.Accepts(index))
            {
                if (index != _current.EndPeriodIndex)
                {
                    throw new InvalidOperationException("the journal expects the period after its last one");
                }

                result = FinishSegmentAndStartNext(index, period, out firstDropped, out lastDropped);
            }
            else
            {
                RequireChained(period);
            }

            _current.Append(period);
            if (FirstPeriodIndex < 0)
            {
                FirstPeriodIndex = index;
            }

            return WriteCurrent() ? result : JournalResult.WriteFailed;
        }

        /// <summary>Reads a journaled period by index (UTC start ticks / 30 minutes).</summary>
        public PeriodReadStatus TryReadPeriod(long periodIndex, out HalfHourPeriod period)
        {
            period = new HalfHourPeriod();
            long importEnd;
            long exportEnd;
            PeriodFlags flags;
            PeriodReadStatus status = ReadEnd(periodIndex, out importEnd, out exportEnd, out flags);
            if (status != PeriodReadStatus.Ok)
            {
                return status;
            }

            PeriodSegment segment = _hasCurrent && PeriodSegment.SegmentOf(periodIndex) == _current.Number ? _current : _cache;
            int position = (int)(periodIndex - segment.FirstPeriodIndex);
            long importStart;
            long exportStart;
            if (position == 0)
            {
                importStart = segment.ImportBase;
                exportStart = segment.ExportBase;
            }
            else
            {
                if (!segment.IsEntryIntact(position - 1))
                {
                    return PeriodReadStatus.StartUnknown;
                }

                PeriodFlags ignored;
                segment.ReadEntry(position - 1, out importStart, out exportStart, out ignored);
            }

            period.StartTicks = periodIndex * UtcPeriods.TicksPerPeriod;
            period.ImportStartMicrowattHours = importStart;
            period.ImportEndMicrowattHours = importEnd;
            period.ExportStartMicrowattHours = exportStart;
            period.ExportEndMicrowattHours = exportEnd;
            period.Flags = flags;
            return PeriodReadStatus.Ok;
        }

        private PeriodReadStatus ReadEnd(long periodIndex, out long importEnd, out long exportEnd, out PeriodFlags flags)
        {
            importEnd = 0;
            exportEnd = 0;
            flags = PeriodFlags.None;
            long number = PeriodSegment.SegmentOf(periodIndex);
            PeriodSegment segment;
            if (_hasCurrent && number == _current.Number)
            {
                segment = _current;
            }
            else
            {
                int slot = IndexOfSegment(number);
                if (slot < 0)
                {
                    return PeriodReadStatus.Missing;
                }

                if (_cachedSegment != number)
                {
                    _cachedSegment = -1;
                    if (!LoadSegment(_segmentNamesA[slot], _cache) && !LoadSegment(_segmentNamesB[slot], _cache))
                    {
                        return PeriodReadStatus.Corrupt;
                    }

                    _cachedSegment = number;
                }

                segment = _cache;
            }

            int position = (int)(periodIndex - segment.FirstPeriodIndex);
            if (position < 0 || position >= segment.Count)
            {
                return PeriodReadStatus.Missing;
            }

            if (!segment.IsEntryIntact(position))
            {
                return PeriodReadStatus.Corrupt;
            }

            segment.ReadEntry(position, out importEnd, out exportEnd, out flags);
            return PeriodReadStatus.Ok;
        }

        private void StartSegment(long index, HalfHourPeriod period)
        {
            _current.Begin(index, period.ImportStartMicrowattHours, period.ExportStartMicrowattHours);
            int slot = IndexOfSegment(_current.Number);
            if (slot < 0)
            {
                slot = InsertSegment(_current.Number);
            }

            _currentA = _segmentNamesA[slot];
            _currentB = _segmentNamesB[slot];
            _currentNextIsB = false;
            _hasCurrent = true;
        }

        private JournalResult FinishSegmentAndStartNext(long index, HalfHourPeriod period, out long firstDropped, out long lastDropped)
        {
            firstDropped = -1;
            lastDropped = -1;
            RequireChained(period);

            // The finished segment keeps only its newest copy, once that copy holds every entry.
            if (!_currentDirty || WriteCurrent())
            {
                TryDelete(_currentNextIsB ? _currentB : _currentA);
            }

            _lastBeforeCurrent = _current.EndPeriodIndex - 1;
            if (_cachedSegment == _current.Number)
            {
                _cachedSegment = -1;
            }

            JournalResult result = JournalResult.Ok;
            while (_segmentCount >= _maximumSegments)
            {
                long oldest = _segments[0];
                long oldestFirst = oldest * PeriodSegment.PeriodsPerSegment;
                long oldestLast = oldestFirst + PeriodSegment.PeriodsPerSegment - 1;
                if (FirstPeriodIndex > oldestFirst)
                {
                    oldestFirst = FirstPeriodIndex;
                }

                if (oldestLast > AcknowledgedPeriodIndex)
                {
                    // Not yet collected: dropped only because there is no room, and said so.
                    result = JournalResult.DroppedUnacknowledged;
                    if (firstDropped < 0)
                    {
                        firstDropped = oldestFirst;
                    }

                    lastDropped = oldestLast;
                }
                else if (result == JournalResult.Ok)
                {
                    result = JournalResult.DroppedAcknowledged;
                }

                TryDelete(_segmentNamesA[0]);
                TryDelete(_segmentNamesB[0]);
                if (_cachedSegment == oldest)
                {
                    _cachedSegment = -1;
                }

                Array.Copy(_segments, 1, _segments, 0, _segmentCount - 1);
                Array.Copy(_segmentNamesA, 1, _segmentNamesA, 0, _segmentCount - 1);
                Array.Copy(_segmentNamesB, 1, _segmentNamesB, 0, _segmentCount - 1);
                _segmentCount--;
                FirstPeriodIndex = _segments[0] * PeriodSegment.PeriodsPerSegment;
            }

            StartSegment(index, period);
            return result;
        }

        private void RequireChained(HalfHourPeriod period)
        {
            long previousImport;
            long previousExport;
            if (_current.Count == 0)
            {
                previousImport = _current.ImportBase;
                previousExport = _current.ExportBase;
            }
            else
            {
                PeriodFlags ignored;
                _current.ReadEntry(_current.Count - 1, out previousImport, out previousExport, out ignored);
            }

            if (period.ImportStartMicrowattHours != previousImport || period.ExportStartMicrowattHours != previousExport)
            {
                throw new InvalidOperationException("the period does not chain to the last journaled period");
            }
        }

        private bool WriteCurrent()
        {
            _current.WriteSequence++;
            _current.Seal();
            string name = _currentNextIsB ? _currentB : _currentA;
            if (!Write(name, _current.Buffer, _current.Length))
            {
                _currentDirty = true;
                return false;
            }

            _currentDirty = false;
            _currentNextIsB = !_currentNextIsB;
            return true;
        }

        // ------------------------------------------------------------------ checkpoints

        /// <summary>Writes a checkpoint to the older of its two copies; false if the write failed.</summary>
        public bool WriteCheckpoint(MeterCheckpoint checkpoint)
        {
            int length = CheckpointCodec.Write(checkpoint, _checkpointSequence + 1, _checkpoint);
            if (!Write(_checkpointNextIsB ? CheckpointB : CheckpointA, _checkpoint, length))
            {
                return false;
            }

            _checkpointSequence++;
            _checkpointNextIsB = !_checkpointNextIsB;
            return true;
        }

        // ------------------------------------------------------------------ calibration

        /// <summary>Stores the calibration in force (two copies, newest version wins); false if the write failed.</summary>
        public bool WriteCalibration(CalibrationRecord record)
        {
            int length = record.WriteTo(_io, 0);
            bool written = Write(_calibrationNextIsB ? CalibrationB : CalibrationA, _io, length);
            if (written)
            {
                _calibrationNextIsB = !_calibrationNextIsB;
            }

            return written;
        }

        /// <summary>The newest intact stored calibration, or null.</summary>
        public CalibrationRecord ReadCalibration()
        {
            CalibrationRecord best = null;
            for (int copy = 0; copy < 2; copy++)
            {
                int length = _storage.Read(copy == 0 ? CalibrationA : CalibrationB, _io);
                CalibrationRecord record = length < 0 ? null : CalibrationRecord.ReadFrom(_io, 0, length);
                if (record != null && (best == null || record.Version > best.Version))
                {
                    best = record;
                    _calibrationNextIsB = copy == 0;
                }
            }

            return best;
        }

        // ------------------------------------------------------------------ RTC record

        /// <summary>Stores what the meter knows about its RTC (two copies, the higher write sequence wins); false if the write failed.</summary>
        public bool WriteRtcRecord(RtcSyncRecord record)
        {
            int length = record.WriteTo(_io, _rtcSequence + 1);
            if (!Write(_rtcNextIsB ? RtcRecordB : RtcRecordA, _io, length))
            {
                return false;
            }

            _rtcSequence++;
            _rtcNextIsB = !_rtcNextIsB;
            return true;
        }

        /// <summary>Reads the newest intact RTC record into <paramref name="into"/>; false (and it unchanged) if there is none.</summary>
        public bool ReadRtcRecord(RtcSyncRecord into)
        {
            bool found = false;
            RtcSyncRecord copy = new RtcSyncRecord();
            for (int i = 0; i < 2; i++)
            {
                uint sequence;
                int length = _storage.Read(i == 0 ? RtcRecordA : RtcRecordB, _io);
                if (length >= 0 && copy.ReadFrom(_io, length, out sequence) && (!found || sequence > _rtcSequence))
                {
                    into.CopyFrom(copy);
                    _rtcSequence = sequence;
                    _rtcNextIsB = i == 0;
                    found = true;
                }
            }

            return found;
        }

        // ------------------------------------------------------------------ events

        /// <summary>Journals an event (sequence numbers ascending); false if the write failed.</summary>
        public bool AppendEvent(MeterEvent meterEvent)
        {
            long file = EventFile.FileOf(meterEvent.Sequence);
            if (file != _eventFile)
            {
                _eventFile = file;
                _eventA = EventName(file, false);
                _eventB = EventName(file, true);
                _eventCount = 0;
                _eventWriteSequence = 0;
                _eventNextIsB = false;
                long expired = file - _maximumEventFiles;
                if (expired >= 0)
                {
                    TryDelete(EventName(expired, false));
                    TryDelete(EventName(expired, true));
                }
            }

            int position = (int)((meterEvent.Sequence - 1) % EventFile.EventsPerFile);
            for (int gap = _eventCount; gap < position; gap++)
            {
                // Sequence numbers skipped (events lost before a restart) leave entries that fail their CRC.
                Array.Clear(_events, EventFile.LengthFor(gap), EventFile.LengthFor(1) - EventFile.LengthFor(0));
            }

            EventFile.WriteEntry(_events, position, meterEvent);
            if (position + 1 > _eventCount)
            {
                _eventCount = position + 1;
            }

            _eventWriteSequence++;
            EventFile.WriteHeader(_events, _eventWriteSequence, _eventFile, _eventCount);
            if (!Write(_eventNextIsB ? _eventB : _eventA, _events, EventFile.LengthFor(_eventCount)))
            {
                return false;
            }

            _eventNextIsB = !_eventNextIsB;
            return true;
        }

        /// <summary>
        /// Reads journaled events with sequence numbers from <paramref name="fromSequence"/> on into
        /// <paramref name="into"/>; returns how many. Damaged entries are skipped.
        /// </summary>
        public int ReadEvents(uint fromSequence, MeterEvent[] into)
        {
            int found = 0;
            if (_eventFile < 0 || fromSequence < 1)
            {
                return 0;
            }

            long firstFile = EventFile.FileOf(fromSequence);
            for (long file = firstFile; file <= _eventFile && found < into.Length; file++)
            {
                int entries = file == _eventFile ? _eventCount : LoadEventFile(file);
                byte[] source = file == _eventFile ? _events : _io;

                // Entry positions follow sequence numbers, so start at the one asked for: the publisher asks every
                // tick, and checking the CRC of every older entry in the file each time cost more than the rest of
                // the tick once the file filled up.
                int start = file == firstFile ? (int)((fromSequence - 1) % EventFile.EventsPerFile) : 0;
                for (int position = start; position < entries && found < into.Length; position++)
                {
                    MeterEvent meterEvent;
                    if (EventFile.ReadEntry(source, position, out meterEvent) && meterEvent.Sequence >= fromSequence)
                    {
                        into[found++] = meterEvent;
                    }
                }
            }

            return found;
        }

        // Loads the newest intact copy of an event file into _io; returns its entry count (0 if none is intact).
        private int LoadEventFile(long file)
        {
            uint sequenceA;
            uint sequenceB;
            int entriesA = ReadEventCopy(file, false, out sequenceA);
            int entriesB = ReadEventCopy(file, true, out sequenceB);
            if (entriesB >= 0 && (entriesA < 0 || sequenceB > sequenceA))
            {
                return entriesB;
            }

            // Copy B is what the buffer holds now; reload A if it is the one to use.
            return entriesA < 0 ? 0 : ReadEventCopy(file, false, out sequenceA);
        }

        private int ReadEventCopy(long file, bool copyB, out uint sequence)
        {
            sequence = 0;
            int length = _storage.Read(EventName(file, copyB), _io);
            long number = -1;
            int entries = length < 0 ? -1 : EventFile.ReadHeader(_io, length, out sequence, out number);
            return entries >= 0 && number == file ? entries : -1;
        }

        // ------------------------------------------------------------------ helpers

        private bool Write(string name, byte[] buffer, int count)
        {
            try
            {
                _storage.Write(name, buffer, count);
            }
            catch (Exception)
            {
                return false;
            }

            BytesWritten += count;
            FilesWritten++;
            return true;
        }

        // A failed delete only leaves a spare copy behind, which recovery sorts out; it is not worth stopping for.
        private void TryDelete(string name)
        {
            try
            {
                _storage.Delete(name);
            }
            catch (Exception)
            {
                DeleteFailures++;
            }
        }

        /// <summary>Deletes that failed (the files are left for recovery to sort out).</summary>
        public long DeleteFailures { get; private set; }

        private int IndexOfSegment(long number)
        {
            for (int i = 0; i < _segmentCount; i++)
            {
                if (_segments[i] == number)
                {
                    return i;
                }
            }

            return -1;
        }

        // Adds a segment in number order with its file names; returns its slot.
        private int InsertSegment(long number)
        {
            int at = _segmentCount;
            while (at > 0 && _segments[at - 1] > number)
            {
                _segments[at] = _segments[at - 1];
                _segmentNamesA[at] = _segmentNamesA[at - 1];
                _segmentNamesB[at] = _segmentNamesB[at - 1];
                at--;
            }

            _segments[at] = number;
            _segmentNamesA[at] = SegmentName(number, false);
            _segmentNamesB[at] = SegmentName(number, true);
            _segmentCount++;
            return at;
        }

        private static long Max(long a, long b)
        {
            return a > b ? a : b;
        }

        private static string SegmentName(long number, bool copyB)
        {
            return "s" + InvariantText.Format(number) + (copyB ? ".b" : ".a");
        }

        private static string EventName(long number, bool copyB)
        {
            return "e" + InvariantText.Format(number) + (copyB ? ".b" : ".a");
        }

        // "s123.a" -> ('s', 123, false)
        private static bool ParseName(string name, char kind, out long number, out bool copyB)
        {
            number = -1;
            copyB = false;
            if (name == null || name.Length < 4 || name[0] != kind || name[name.Length - 2] != '.')
            {
                return false;
            }

            char copy = name[name.Length - 1];
            if (copy != 'a' && copy != 'b')
            {
                return false;
            }

            copyB = copy == 'b';
            return InvariantText.TryParseInt64(name, 1, name.Length - 3, out number) && number >= 0;
        }
    }
}
