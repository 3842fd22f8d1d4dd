using System;
using AssetMeter.Metrology.Arithmetic;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.Firmware.Journal
{
    /// <summary>
    /// One journal segment: the closed half-hour periods of five UTC days, in a buffer sized to fit one 4 KB
    /// LittleFS block. The header carries the cumulative registers at the start of the first stored period; each
    /// entry carries its period's end registers relative to that base, its flags, and a CRC-16 computed over the
    /// period's index and the entry, so a damaged or misplaced entry is recognised on its own.
    /// </summary>
    /// <remarks>
    /// Layout, big-endian. Header (36 bytes): "SEG1", write sequence (4), segment number (4), import base µWh (8),
    /// export base µWh (8), offset of the first stored period within the segment (2), entry count (2), CRC-32 of the
    /// header (4). Entry (15 bytes): import end minus base (6), export end minus base (6), flags (1), CRC-16 (2).
    /// 240 entries: 3,636 bytes.
    /// </remarks>
    public sealed class PeriodSegment
    {
        /// <summary>Half-hour periods in a segment: five UTC days.</summary>
        public const int PeriodsPerSegment = 240;

        /// <summary>Largest stored form.</summary>
        public const int MaximumLength = HeaderLength + (PeriodsPerSegment * EntryLength);

        private const int HeaderLength = 36;
        private const int EntryLength = 15;
        private const long MaximumRelative = (1L << 48) - 1;

        private readonly byte[] _buffer = new byte[MaximumLength];

        /// <summary>Segment number: it holds periods <c>Number * 240</c> to <c>Number * 240 + 239</c>.</summary>
        public long Number { get; private set; }

        /// <summary>Write sequence of the stored copy this was read from (or will be written as).</summary>
        public uint WriteSequence { get; set; }

        /// <summary>Import register at the start of the first stored period, µWh.</summary>
        public long ImportBase { get; private set; }

        /// <summary>Export register at the start of the first stored period, µWh.</summary>
        public long ExportBase { get; private set; }

        /// <summary>Position of the first stored period within the segment (non-zero when metering started mid-segment).</summary>
        public int FirstOffset { get; private set; }

        /// <summary>Entries stored.</summary>
        public int Count { get; private set; }

        /// <summary>Period index of the first stored period.</summary>
        public long FirstPeriodIndex
        {
            get { return (Number * PeriodsPerSegment) + FirstOffset; }
        }

        /// <summary>Period index just after the last stored period.</summary>
        public long EndPeriodIndex
        {
            get { return FirstPeriodIndex + Count; }
        }

        /// <summary>Bytes of the stored form.</summary>
        public int Length
        {
            get { return HeaderLength + (Count * EntryLength); }
        }

        /// <summary>The stored form (valid up to <see cref="Length"/> after <see cref="Seal"/>).</summary>
        public byte[] Buffer
        {
            get { return _buffer; }
        }

        /// <summary>Segment number holding a period index.</summary>
        public static long SegmentOf(long periodIndex)
        {
            return periodIndex / PeriodsPerSegment;
        }

        /// <summary>Starts an empty segment whose first period is <paramref name="firstPeriodIndex"/>, chained from the given registers.</summary>
        public void Begin(long firstPeriodIndex, long importBase, long exportBase)
        {
            Number = SegmentOf(firstPeriodIndex);
            FirstOffset = (int)(firstPeriodIndex - (Number * PeriodsPerSegment));
            ImportBase = importBase;
            ExportBase = exportBase;
            Count = 0;
            WriteSequence = 0;
        }

        /// <summary>True when the next period to append belongs to this segment and there is room.</summary>
        public bool Accepts(long periodIndex)
        {
            return periodIndex == EndPeriodIndex && SegmentOf(periodIndex) == Number;
        }

        /// <summary>Appends a closed period (its index must be <see cref="EndPeriodIndex"/>).</summary>
        /// <exception cref="ArgumentException">The period does not continue the segment or its registers are out of range.</exception>
        public void Append(HalfHourPeriod period)
        {
            long index = period.StartTicks / UtcPeriods.TicksPerPeriod;
            if (!Accepts(index))
            {
                throw new ArgumentException("period does not continue this segment", "period");
            }

            long importRelative = period.ImportEndMicrowattHours - ImportBase;
            long exportRelative = period.ExportEndMicrowattHours - ExportBase;
            if (importRelative < 0 || exportRelative < 0 || importRelative > MaximumRelative || exportRelative > MaximumRelative)
            {
                throw new ArgumentException("registers out of range for this segment", "period");
            }

            int at = HeaderLength + (Count * EntryLength);
            Put48(at, importRelative);
            Put48(at + 6, exportRelative);
            _buffer[at + 12] = (byte)period.Flags;
            ushort crc = Crc16.Update(Crc16.Update(Crc16.Initial, (uint)index), _buffer, at, 13);
            BigEndian.WriteUInt16(_buffer, at + 13, crc);
            Count++;
        }

        /// <summary>Writes the header for the current contents; the stored form is then <see cref="Buffer"/>[0..<see cref="Length"/>).</summary>
        public void Seal()
        {
            _buffer[0] = (byte)'S';
            _buffer[1] = (byte)'E';
            _buffer[2] = (byte)'G';
            _buffer[3] = (byte)'1';
            BigEndian.WriteUInt32(_buffer, 4, WriteSequence);
            BigEndian.WriteUInt32(_buffer, 8, (uint)Number);
            BigEndian.WriteInt64(_buffer, 12, ImportBase);
            BigEndian.WriteInt64(_buffer, 20, ExportBase);
            BigEndian.WriteUInt16(_buffer, 28, FirstOffset);
            BigEndian.WriteUInt16(_buffer, 30, Count);
            BigEndian.WriteUInt32(_buffer, 32, Crc32.Compute(_buffer, 0, 32));
        }

        /// <summary>
        /// Loads a stored form. Returns false if its header is not intact; entries are checked one by one with
        /// <see cref="IsEntryIntact"/>.
        /// </summary>
        public bool Load(byte[] source, int length)
        {
            if (length < HeaderLength || source[0] != (byte)'S' || source[1] != (byte)'E' || source[2] != (byte)'G' || source[3] != (byte)'1'
                || BigEndian.ReadUInt32(source, 32) != Crc32.Compute(source, 0, 32))
            {
                return false;
            }

            int count = BigEndian.ReadUInt16(source, 30);
            int firstOffset = BigEndian.ReadUInt16(source, 28);
            if (firstOffset + count > PeriodsPerSegment)
            {
                return false;
            }

            // A torn write can leave fewer entry bytes than the header promises; keep only whole entries.
            int whole = (length - HeaderLength) / EntryLength;
            if (whole < count)
            {
                count = whole;
            }

            if (source != _buffer)
            {
                Array.Copy(source, 0, _buffer, 0, HeaderLength + (count * EntryLength));
            }

            WriteSequence = BigEndian.ReadUInt32(source, 4);
            Number = BigEndian.ReadUInt32(source, 8);
            ImportBase = BigEndian.ReadInt64(source, 12);
            ExportBase = BigEndian.ReadInt64(source, 20);
            FirstOffset = firstOffset;
            Count = count;
            return true;
        }

        /// <summary>True when entry <paramref name="position"/> (0-based among stored entries) passes its CRC.</summary>
        public bool IsEntryIntact(int position)
        {
            int at = HeaderLength + (position * EntryLength);
            ushort crc = Crc16.Update(Crc16.Update(Crc16.Initial, (uint)(FirstPeriodIndex + position)), _buffer, at, 13);
            return BigEndian.ReadUInt16(_buffer, at + 13) == crc;
        }

        /// <summary>Copies entry <paramref name="position"/> of <paramref name="other"/> (same segment, same base) over this one's.</summary>
        public void TakeEntryFrom(PeriodSegment other, int position)
        {
            int at = HeaderLength + (position * EntryLength);
            Array.Copy(other._buffer, at, _buffer, at, EntryLength);
        }

        /// <summary>Appends the entries <paramref name="other"/> (same segment and base) has beyond this one's count.</summary>
        public void ExtendFrom(PeriodSegment other)
        {
            if (other.Count <= Count)
            {
                return;
            }

            int from = HeaderLength + (Count * EntryLength);
            Array.Copy(other._buffer, from, _buffer, from, (other.Count - Count) * EntryLength);
            Count = other.Count;
        }

        /// <summary>Forgets entries from position <paramref name="count"/> on.</summary>
        public void TruncateTo(int count)
        {
            if (count < Count)
            {
                Count = count;
            }
        }

        /// <summary>True when <paramref name="other"/> describes the same segment with the same base registers.</summary>
        public bool SameBaseAs(PeriodSegment other)
        {
            return other.Number == Number && other.FirstOffset == FirstOffset && other.ImportBase == ImportBase && other.ExportBase == ExportBase;
        }

        /// <summary>End registers and flags of entry <paramref name="position"/> (which must be intact).</summary>
        public void ReadEntry(int position, out long importEnd, out long exportEnd, out PeriodFlags flags)
        {
            int at = HeaderLength + (position * EntryLength);
            importEnd = ImportBase + Get48(at);
            exportEnd = ExportBase + Get48(at + 6);
            flags = (PeriodFlags)_buffer[at + 12];
        }

        private void Put48(int at, long value)
        {
            BigEndian.WriteUInt16(_buffer, at, (int)(value >> 32));
            BigEndian.WriteUInt32(_buffer, at + 2, (uint)value);
        }

        private long Get48(int at)
        {
            return ((long)BigEndian.ReadUInt16(_buffer, at) << 32) | BigEndian.ReadUInt32(_buffer, at + 2);
        }
    }
}
