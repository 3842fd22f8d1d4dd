using System;
using AssetMeter.Metrology.Arithmetic;

namespace AssetMeter.Hardware.Metering
{
    /// <summary>
    /// The calibration of one metering IC: the values of its calibration registers (gains, phase, offsets), a
    /// version that goes up with every change, and a CRC-32 that guards the stored form.
    /// </summary>
    /// <remarks>
    /// Stored form, big-endian: "CAL1", part code (1 byte), reserved (1), entry count (2), version (4),
    /// then per entry register address (2) and value (4, two's complement), then CRC-32 of everything before.
    /// </remarks>
    public sealed class CalibrationRecord
    {
        /// <summary>Most registers one record holds (three phases of gain, phase and offset registers fit easily).</summary>
        public const int MaximumEntries = 40;

        private const int HeaderLength = 12;
        private const int EntryLength = 6;

        private readonly int[] _addresses = new int[MaximumEntries];
        private readonly int[] _values = new int[MaximumEntries];

        /// <summary>Creates an empty record for a part.</summary>
        public CalibrationRecord(byte partCode, int version)
        {
            PartCode = partCode;
            Version = version;
        }

        /// <summary>Identifies the IC the registers belong to (see each driver's PartCode).</summary>
        public byte PartCode { get; }

        /// <summary>Goes up by one with every change of calibration.</summary>
        public int Version { get; private set; }

        /// <summary>Number of registers in the record.</summary>
        public int Count { get; private set; }

        /// <summary>Register address of entry <paramref name="index"/>.</summary>
        public int AddressAt(int index)
        {
            return _addresses[index];
        }

        /// <summary>Register value of entry <paramref name="index"/>.</summary>
        public int ValueAt(int index)
        {
            return _values[index];
        }

        /// <summary>Sets (adds or replaces) a register value.</summary>
        public void Set(int address, int value)
        {
            for (int i = 0; i < Count; i++)
            {
                if (_addresses[i] == address)
                {
                    _values[i] = value;
                    return;
                }
            }

            if (Count == MaximumEntries)
            {
                throw new InvalidOperationException("calibration record is full");
            }

            _addresses[Count] = address;
            _values[Count] = value;
            Count++;
        }

        /// <summary>Looks up a register value.</summary>
        public bool TryGet(int address, out int value)
        {
            for (int i = 0; i < Count; i++)
            {
                if (_addresses[i] == address)
                {
                    value = _values[i];
                    return true;
                }
            }

            value = 0;
            return false;
        }

        /// <summary>A copy with the same registers and the next version number.</summary>
        public CalibrationRecord NextVersion()
        {
            CalibrationRecord next = new CalibrationRecord(PartCode, Version + 1);
            for (int i = 0; i < Count; i++)
            {
                next.Set(_addresses[i], _values[i]);
            }

            return next;
        }

        /// <summary>True when both records hold the same registers with the same values (versions aside).</summary>
        public bool SameRegistersAs(CalibrationRecord other)
        {
            if (other == null || other.PartCode != PartCode || other.Count != Count)
            {
                return false;
            }

            for (int i = 0; i < Count; i++)
            {
                int value;
                if (!other.TryGet(_addresses[i], out value) || value != _values[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Length of the stored form.</summary>
        public int StoredLength
        {
            get { return HeaderLength + (Count * EntryLength) + 4; }
        }

        /// <summary>Writes the stored form at <paramref name="offset"/>; returns its length.</summary>
        public int WriteTo(byte[] buffer, int offset)
        {
            buffer[offset] = (byte)'C';
            buffer[offset + 1] = (byte)'A';
            buffer[offset + 2] = (byte)'L';
            buffer[offset + 3] = (byte)'1';
            buffer[offset + 4] = PartCode;
            buffer[offset + 5] = 0;
            BigEndian.WriteUInt16(buffer, offset + 6, Count);
            BigEndian.WriteUInt32(buffer, offset + 8, (uint)Version);
            int at = offset + HeaderLength;
            for (int i = 0; i < Count; i++)
            {
                BigEndian.WriteUInt16(buffer, at, _addresses[i]);
                BigEndian.WriteUInt32(buffer, at + 2, (uint)_values[i]);
                at += EntryLength;
            }

            BigEndian.WriteUInt32(buffer, at, Crc32.Compute(buffer, offset, at - offset));
            return at + 4 - offset;
        }

        /// <summary>The stored form as a new array.</summary>
        public byte[] ToBytes()
        {
            byte[] bytes = new byte[StoredLength];
            WriteTo(bytes, 0);
            return bytes;
        }

        /// <summary>
        /// Reads a stored record. Returns null if the bytes are not a whole, intact record (wrong marker, length
        /// or CRC): a damaged calibration is never used.
        /// </summary>
        public static CalibrationRecord ReadFrom(byte[] buffer, int offset, int count)
        {
            if (buffer == null || count < HeaderLength + 4 || offset < 0 || offset + count > buffer.Length)
            {
                return null;
            }

            if (buffer[offset] != (byte)'C' || buffer[offset + 1] != (byte)'A' || buffer[offset + 2] != (byte)'L' || buffer[offset + 3] != (byte)'1')
            {
                return null;
            }

            int entries = BigEndian.ReadUInt16(buffer, offset + 6);
            if (entries > MaximumEntries || count < HeaderLength + (entries * EntryLength) + 4)
            {
                return null;
            }

            int end = offset + HeaderLength + (entries * EntryLength);
            if (BigEndian.ReadUInt32(buffer, end) != Crc32.Compute(buffer, offset, end - offset))
            {
                return null;
            }

            CalibrationRecord record = new CalibrationRecord(buffer[offset + 4], (int)BigEndian.ReadUInt32(buffer, offset + 8));
            int at = offset + HeaderLength;
            for (int i = 0; i < entries; i++)
            {
                record.Set(BigEndian.ReadUInt16(buffer, at), (int)BigEndian.ReadUInt32(buffer, at + 2));
                at += EntryLength;
            }

            return record;
        }
    }
}
