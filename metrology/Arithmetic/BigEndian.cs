namespace AssetMeter.Metrology.Arithmetic
{
    /// <summary>Big-endian (network and register order) integer packing on byte arrays, allocation-free.</summary>
    public static class BigEndian
    {
        /// <summary>Writes a 16-bit value.</summary>
        public static void WriteUInt16(byte[] buffer, int offset, int value)
        {
            buffer[offset] = (byte)(value >> 8);
            buffer[offset + 1] = (byte)value;
        }

        /// <summary>Writes the low 24 bits of a value.</summary>
        public static void WriteUInt24(byte[] buffer, int offset, int value)
        {
            buffer[offset] = (byte)(value >> 16);
            buffer[offset + 1] = (byte)(value >> 8);
            buffer[offset + 2] = (byte)value;
        }

        /// <summary>Writes a 32-bit value.</summary>
        public static void WriteUInt32(byte[] buffer, int offset, uint value)
        {
            buffer[offset] = (byte)(value >> 24);
            buffer[offset + 1] = (byte)(value >> 16);
            buffer[offset + 2] = (byte)(value >> 8);
            buffer[offset + 3] = (byte)value;
        }

        /// <summary>Writes a 64-bit value.</summary>
        public static void WriteInt64(byte[] buffer, int offset, long value)
        {
            WriteUInt32(buffer, offset, (uint)(value >> 32));
            WriteUInt32(buffer, offset + 4, (uint)value);
        }

        /// <summary>Reads an unsigned 16-bit value.</summary>
        public static int ReadUInt16(byte[] buffer, int offset)
        {
            return (buffer[offset] << 8) | buffer[offset + 1];
        }

        /// <summary>Reads an unsigned 24-bit value.</summary>
        public static int ReadUInt24(byte[] buffer, int offset)
        {
            return (buffer[offset] << 16) | (buffer[offset + 1] << 8) | buffer[offset + 2];
        }

        /// <summary>Reads an unsigned 32-bit value.</summary>
        public static uint ReadUInt32(byte[] buffer, int offset)
        {
            return ((uint)buffer[offset] << 24) | ((uint)buffer[offset + 1] << 16) | ((uint)buffer[offset + 2] << 8) | buffer[offset + 3];
        }

        /// <summary>Reads a 64-bit value.</summary>
        public static long ReadInt64(byte[] buffer, int offset)
        {
            return ((long)ReadUInt32(buffer, offset) << 32) | ReadUInt32(buffer, offset + 4);
        }
    }
}
