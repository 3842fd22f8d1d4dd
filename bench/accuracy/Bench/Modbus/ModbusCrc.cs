using System;

namespace AssetMeter.Bench.Modbus
{
    /// <summary>
    /// CRC-16/MODBUS: polynomial 0x8005 reflected (0xA001), initial 0xFFFF, no final XOR, sent low byte first at the
    /// end of every RTU frame. A frame with its CRC appended has a CRC of zero, which is how a frame is checked.
    /// </summary>
    public static class ModbusCrc
    {
        /// <summary>The CRC of <paramref name="data"/>.</summary>
        public static ushort Compute(ReadOnlySpan<byte> data)
        {
            int crc = 0xFFFF;
            foreach (byte b in data)
            {
                crc ^= b;
                for (int bit = 0; bit < 8; bit++)
                {
                    crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1;
                }
            }

            return (ushort)crc;
        }

        /// <summary>Writes the CRC of the first <paramref name="length"/> bytes after them, low byte first.</summary>
        public static void Append(byte[] frame, int length)
        {
            ushort crc = Compute(frame.AsSpan(0, length));
            frame[length] = (byte)(crc & 0xFF);
            frame[length + 1] = (byte)(crc >> 8);
        }

        /// <summary>True when the frame's last two bytes are the CRC of the bytes before them.</summary>
        public static bool IsIntact(ReadOnlySpan<byte> frame) => frame.Length >= 4 && Compute(frame) == 0;
    }
}
