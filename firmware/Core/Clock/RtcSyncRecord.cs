using AssetMeter.Metrology.Arithmetic;

namespace AssetMeter.Firmware.Clock
{
    /// <summary>
    /// What the meter knows about its RTC, kept on flash beside the checkpoint (journal files rtc.a and rtc.b): when it
    /// last set the RTC from a synchronised clock, the RTC's phase just after that set, the aging offset in force and
    /// the drift last measured. Without this record an RTC's time has no known bound, so the meter does not use it.
    /// </summary>
    /// <remarks>Stored form: "RTC1", write sequence (4), five 8-byte fields, CRC-32 of everything before it. Big-endian.</remarks>
    public sealed class RtcSyncRecord
    {
        /// <summary>Bytes of the stored form.</summary>
        public const int Length = 8 + (5 * 8) + 4;

        /// <summary>True UTC (DateTime ticks, by the synchronised clock) when the RTC was last set; 0 if never.</summary>
        public long SetUtcTicks;

        /// <summary>
        /// RTC time minus true time just after that set, ticks (the chip takes whole seconds, so 0 to -1 s: the fraction
        /// of a second that had passed when the whole second was written).
        /// </summary>
        public long PhaseTicks;

        /// <summary>The aging offset written to the chip.</summary>
        public int AgingOffset;

        /// <summary>The drift last measured, parts per billion (positive: the RTC gains), 0 if none was measured.</summary>
        public long DriftPpb;

        /// <summary>The synchronised clock's error bound when the RTC was set, ticks.</summary>
        public long SetBoundTicks;

        /// <summary>True once the record holds a set.</summary>
        public bool IsSet
        {
            get { return SetUtcTicks != 0; }
        }

        /// <summary>Copies <paramref name="other"/> into this record.</summary>
        public void CopyFrom(RtcSyncRecord other)
        {
            SetUtcTicks = other.SetUtcTicks;
            PhaseTicks = other.PhaseTicks;
            AgingOffset = other.AgingOffset;
            DriftPpb = other.DriftPpb;
            SetBoundTicks = other.SetBoundTicks;
        }

        /// <summary>Writes the stored form with write sequence <paramref name="sequence"/> into <paramref name="buffer"/>.</summary>
        public int WriteTo(byte[] buffer, uint sequence)
        {
            buffer[0] = (byte)'R';
            buffer[1] = (byte)'T';
            buffer[2] = (byte)'C';
            buffer[3] = (byte)'1';
            BigEndian.WriteUInt32(buffer, 4, sequence);
            BigEndian.WriteInt64(buffer, 8, SetUtcTicks);
            BigEndian.WriteInt64(buffer, 16, PhaseTicks);
            BigEndian.WriteInt64(buffer, 24, AgingOffset);
            BigEndian.WriteInt64(buffer, 32, DriftPpb);
            BigEndian.WriteInt64(buffer, 40, SetBoundTicks);
            BigEndian.WriteUInt32(buffer, 48, Crc32.Compute(buffer, 0, 48));
            return Length;
        }

        /// <summary>Reads a stored record into this one; false (and this record unchanged) if the bytes are not an intact record.</summary>
        public bool ReadFrom(byte[] buffer, int length, out uint sequence)
        {
            sequence = 0;
            if (length != Length || buffer[0] != (byte)'R' || buffer[1] != (byte)'T' || buffer[2] != (byte)'C' || buffer[3] != (byte)'1'
                || BigEndian.ReadUInt32(buffer, 48) != Crc32.Compute(buffer, 0, 48))
            {
                return false;
            }

            long aging = BigEndian.ReadInt64(buffer, 24);
            if (aging < -128 || aging > 127)
            {
                return false;
            }

            sequence = BigEndian.ReadUInt32(buffer, 4);
            SetUtcTicks = BigEndian.ReadInt64(buffer, 8);
            PhaseTicks = BigEndian.ReadInt64(buffer, 16);
            AgingOffset = (int)aging;
            DriftPpb = BigEndian.ReadInt64(buffer, 32);
            SetBoundTicks = BigEndian.ReadInt64(buffer, 40);
            return true;
        }
    }
}
