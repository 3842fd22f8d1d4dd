namespace AssetMeter.Metrology.Arithmetic
{
    /// <summary>
    /// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF): the check on
    /// every journal record, configuration and calibration block, and the checksum the ADE7953 computes over
    /// its configuration.
    /// </summary>
    /// <remarks>
    /// The core carries its own rather than nanoFramework's System.IO.Hashing so that it computes the same
    /// value on both targets and can run incrementally over several buffers without allocating.
    /// </remarks>
    public static class Crc32
    {
        /// <summary>The value to start an incremental computation with.</summary>
        public const uint Initial = 0xFFFFFFFF;

        private static readonly uint[] Table = BuildTable();

        /// <summary>CRC-32 of <paramref name="count"/> bytes of <paramref name="buffer"/> from <paramref name="offset"/>.</summary>
        public static uint Compute(byte[] buffer, int offset, int count)
        {
            return Finish(Update(Initial, buffer, offset, count));
        }

        /// <summary>Feeds bytes into a running CRC started at <see cref="Initial"/>.</summary>
        public static uint Update(uint running, byte[] buffer, int offset, int count)
        {
            for (int i = offset; i < offset + count; i++)
            {
                running = Table[(running ^ buffer[i]) & 0xFF] ^ (running >> 8);
            }

            return running;
        }

        /// <summary>Feeds one byte into a running CRC.</summary>
        public static uint Update(uint running, byte value)
        {
            return Table[(running ^ value) & 0xFF] ^ (running >> 8);
        }

        /// <summary>Turns a running CRC into the final value.</summary>
        public static uint Finish(uint running)
        {
            return running ^ 0xFFFFFFFF;
        }

        private static uint[] BuildTable()
        {
            uint[] table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }
}
