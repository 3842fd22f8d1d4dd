namespace AssetMeter.Metrology.Arithmetic
{
    /// <summary>
    /// CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR): the check on each
    /// journal entry, small enough to spend on every half-hour period.
    /// </summary>
    public static class Crc16
    {
        /// <summary>The value to start an incremental computation with.</summary>
        public const ushort Initial = 0xFFFF;

        /// <summary>CRC of <paramref name="count"/> bytes of <paramref name="buffer"/> from <paramref name="offset"/>, continuing <paramref name="running"/>.</summary>
        public static ushort Update(ushort running, byte[] buffer, int offset, int count)
        {
            int crc = running;
            for (int i = offset; i < offset + count; i++)
            {
                crc ^= buffer[i] << 8;
                for (int bit = 0; bit < 8; bit++)
                {
                    crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
                }
            }

            return (ushort)crc;
        }

        /// <summary>Feeds the four big-endian bytes of <paramref name="value"/> into a running CRC.</summary>
        public static ushort Update(ushort running, uint value)
        {
            int crc = running;
            for (int shift = 24; shift >= 0; shift -= 8)
            {
                crc ^= (int)((value >> shift) & 0xFF) << 8;
                for (int bit = 0; bit < 8; bit++)
                {
                    crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
                }
            }

            return (ushort)crc;
        }
    }
}
