namespace AssetMeter.Firmware.Journal
{
    /// <summary>What a journal check found at start-up that is worth an event (a torn last write is normal and not listed).</summary>
    public enum JournalFindingKind
    {
        /// <summary>Neither checkpoint copy was usable. Value1: copies present.</summary>
        CheckpointLost = 1,

        /// <summary>Segment entries failed their CRC in every copy. Value1, Value2: first and last period index affected.</summary>
        EntriesCorrupt = 2,

        /// <summary>A segment's header failed in every copy; its periods are unreadable. Value1: segment number.</summary>
        SegmentLost = 3,

        /// <summary>The checkpoint's open period is older than the last journaled period (written before a cut at the wrong moment); the journal wins. Value1: checkpoint's open period index; Value2: last journaled period index.</summary>
        CheckpointStale = 4,

        /// <summary>Periods closed before the cut never reached the journal. Value1, Value2: first and last missing period index.</summary>
        PeriodsMissing = 5,

        /// <summary>An event file was unreadable. Value1: file number.</summary>
        EventFileLost = 6,
    }

    /// <summary>One finding of a journal recovery.</summary>
    public struct JournalFinding
    {
        /// <summary>What was found.</summary>
        public JournalFindingKind Kind;

        /// <summary>First value (see the kind).</summary>
        public long Value1;

        /// <summary>Second value (see the kind).</summary>
        public long Value2;
    }

    /// <summary>The outcome of <see cref="MeterJournal.Recover"/>.</summary>
    public sealed class JournalRecovery
    {
        /// <summary>Most findings kept (more are counted but not listed).</summary>
        public const int MaximumFindings = 16;

        private readonly JournalFinding[] _findings = new JournalFinding[MaximumFindings];

        /// <summary>The checkpoint to resume from, reconciled with the journaled periods; null when the journal is empty (first start).</summary>
        public MeterCheckpoint Checkpoint;

        /// <summary>True when the checkpoint was rebuilt from the journal rather than read (the open period's energy since the last close is lost).</summary>
        public bool CheckpointRebuilt;

        /// <summary>Closed periods found in the journal.</summary>
        public long PeriodCount;

        /// <summary>Index of the last journaled period, or -1.</summary>
        public long LastPeriodIndex = -1;

        /// <summary>Sequence number of the last event found, or 0.</summary>
        public uint LastEventSequence;

        /// <summary>Findings listed.</summary>
        public int FindingCount { get; private set; }

        /// <summary>Findings made, including those beyond <see cref="MaximumFindings"/>.</summary>
        public int TotalFindings { get; private set; }

        /// <summary>Finding <paramref name="index"/>.</summary>
        public JournalFinding FindingAt(int index)
        {
            return _findings[index];
        }

        /// <summary>Adds a finding.</summary>
        public void Add(JournalFindingKind kind, long value1, long value2)
        {
            TotalFindings++;
            if (FindingCount < MaximumFindings)
            {
                _findings[FindingCount].Kind = kind;
                _findings[FindingCount].Value1 = value1;
                _findings[FindingCount].Value2 = value2;
                FindingCount++;
            }
        }
    }
}
