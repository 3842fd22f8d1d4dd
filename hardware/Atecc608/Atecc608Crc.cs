namespace AssetMeter.Hardware.Atecc608
{
    /// <summary>
    /// The CRC-16 that protects every ATECC608 command and response packet: polynomial 0x8005, register starting at
    /// zero, each byte fed in least significant bit first, no final XOR, stored little-endian after the bytes it
    /// covers (the count byte through the last data byte).
    /// </summary>
    /// <remarks>
    /// Written from the definition in Microchip CryptoAuthLib (lib/calib/calib_command.c, atCRC) and the Linux
    /// atmel-i2c driver's description ("CRC polynomial is 0x8005 and the initial register value should be zero").
    /// Known answers: the wake response 04 11 ends in 33 43 (CryptoAuthLib lib/hal/atca_hal.c, hal_check_wake), the
    /// Info command 07 30 00 00 00 in 03 5D, and more in tests/Hardware.Tests/Atecc608/Atecc608CrcTests.cs.
    /// In catalogue terms it is CRC-16/ARC's register with reflected input but unreflected output.
    /// </remarks>
    public static class Atecc608Crc
    {
        private const int Polynomial = 0x8005;

        /// <summary>The CRC of <paramref name="count"/> bytes of <paramref name="data"/> from <paramref name="offset"/>.</summary>
        public static int Compute(byte[] data, int offset, int count)
        {
            int crc = 0;
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                int value = data[i];
                for (int bit = 0; bit < 8; bit++)
                {
                    int dataBit = (value >> bit) & 1;
                    int crcBit = (crc >> 15) & 1;
                    crc = (crc << 1) & 0xFFFF;
                    if (dataBit != crcBit)
                    {
                        crc ^= Polynomial;
                    }
                }
            }

            return crc;
        }

        /// <summary>
        /// Writes the CRC of the first <paramref name="count"/> bytes of the packet at <paramref name="offset"/> into
        /// the two bytes that follow them, low byte first.
        /// </summary>
        public static void Append(byte[] packet, int offset, int count)
        {
            int crc = Compute(packet, offset, count);
            packet[offset + count] = (byte)(crc & 0xFF);
            packet[offset + count + 1] = (byte)(crc >> 8);
        }

        /// <summary>
        /// True if the last two of <paramref name="length"/> bytes at <paramref name="offset"/> are the CRC of the
        /// bytes before them. A packet shorter than three bytes never checks.
        /// </summary>
        public static bool Check(byte[] packet, int offset, int length)
        {
            if (length < 3)
            {
                return false;
            }

            int crc = Compute(packet, offset, length - 2);
            return packet[offset + length - 2] == (byte)(crc & 0xFF) && packet[offset + length - 1] == (byte)(crc >> 8);
        }
    }
}
