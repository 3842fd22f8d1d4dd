using AssetMeter.Firmware.Events;
using AssetMeter.Metrology.Arithmetic;

namespace AssetMeter.Firmware.Journal
{
    /// <summary>
    /// Stored form of a file of events: events with sequence numbers <c>Number * 120 + 1</c> to
    /// <c>Number * 120 + 120</c>, in order. Header (20 bytes): "EVT1", write sequence (4), file number (4), count (2),
    /// reserved (2), CRC-32 of the header (4). Entry (32 bytes): event sequence (4), UTC ticks (8), code (2),
    /// value 1 (8), value 2 (8), CRC-16 (2).
    /// </summary>
    public static class EventFile
    {
        /// <summary>Events per file.</summary>
        public const int EventsPerFile = 120;

        /// <summary>Largest stored form.</summary>
        public const int MaximumLength = HeaderLength + (EventsPerFile * EntryLength);

        private const int HeaderLength = 20;
        private const int EntryLength = 32;

        /// <summary>File number holding an event sequence number.</summary>
        public static long FileOf(uint sequence)
        {
            return (sequence - 1) / EventsPerFile;
        }

        /// <summary>Bytes of a stored form with <paramref name="count"/> entries.</summary>
        public static int LengthFor(int count)
        {
            return HeaderLength + (count * EntryLength);
        }

        /// <summary>Writes the header of file <paramref name="number"/> holding <paramref name="count"/> entries.</summary>
        public static void WriteHeader(byte[] buffer, uint writeSequence, long number, int count)
        {
            buffer[0] = (byte)'E';
            buffer[1] = (byte)'V';
            buffer[2] = (byte)'T';
            buffer[3] = (byte)'1';
            BigEndian.WriteUInt32(buffer, 4, writeSequence);
            BigEndian.WriteUInt32(buffer, 8, (uint)number);
            BigEndian.WriteUInt16(buffer, 12, count);
            BigEndian.WriteUInt16(buffer, 14, 0);
            BigEndian.WriteUInt32(buffer, 16, Crc32.Compute(buffer, 0, 16));
        }

        /// <summary>Writes entry <paramref name="position"/>.</summary>
        public static void WriteEntry(byte[] buffer, int position, MeterEvent meterEvent)
        {
            int at = HeaderLength + (position * EntryLength);
            BigEndian.WriteUInt32(buffer, at, meterEvent.Sequence);
            BigEndian.WriteInt64(buffer, at + 4, meterEvent.UtcTicks);
            BigEndian.WriteUInt16(buffer, at + 12, (int)meterEvent.Code);
            BigEndian.WriteInt64(buffer, at + 14, meterEvent.Value1);
            BigEndian.WriteInt64(buffer, at + 22, meterEvent.Value2);
            BigEndian.WriteUInt16(buffer, at + 30, Crc16.Update(Crc16.Initial, buffer, at, 30));
        }

        /// <summary>Checks a stored form's header; returns the number of whole entries, or -1 if the header is not intact.</summary>
        public static int ReadHeader(byte[] buffer, int length, out uint writeSequence, out long number)
        {
            writeSequence = 0;
            number = -1;
            if (length < HeaderLength || buffer[0] != (byte)'E' || buffer[1] != (byte)'V' || buffer[2] != (byte)'T' || buffer[3] != (byte)'1'
                || BigEndian.ReadUInt32(buffer, 16) != Crc32.Compute(buffer, 0, 16))
            {
                return -1;
            }

            writeSequence = BigEndian.ReadUInt32(buffer, 4);
            number = BigEndian.ReadUInt32(buffer, 8);
            int count = BigEndian.ReadUInt16(buffer, 12);
            int whole = (length - HeaderLength) / EntryLength;
            if (count > EventsPerFile)
            {
                return -1;
            }

            return count < whole ? count : whole;
        }

        /// <summary>Reads entry <paramref name="position"/>; false if it fails its CRC.</summary>
        public static bool ReadEntry(byte[] buffer, int position, out MeterEvent meterEvent)
        {
            int at = HeaderLength + (position * EntryLength);
            meterEvent = new MeterEvent();
            if (BigEndian.ReadUInt16(buffer, at + 30) != Crc16.Update(Crc16.Initial, buffer, at, 30))
            {
                return false;
            }

            meterEvent.Sequence = BigEndian.ReadUInt32(buffer, at);
            meterEvent.UtcTicks = BigEndian.ReadInt64(buffer, at + 4);
            meterEvent.Code = (EventCode)BigEndian.ReadUInt16(buffer, at + 12);
            meterEvent.Value1 = BigEndian.ReadInt64(buffer, at + 14);
            meterEvent.Value2 = BigEndian.ReadInt64(buffer, at + 22);
            return true;
        }
    }
}
