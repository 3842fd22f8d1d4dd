namespace AssetMeter.Hardware.Atm90e32
{
    /// <summary>
    /// The configuration CRC as this project models the chip's CRCDigest register: CRC-16/CCITT-FALSE
    /// (polynomial 0x1021, initial value 0xFFFF, bits fed most significant first, no final XOR) over the
    /// protected registers in ascending address order, each register's high byte first.
    /// </summary>
    /// <remarks>
    /// The datasheet excerpts available did not say what CRCDigest covers or how it is computed. This is our
    /// documented assumption; the driver computes the value it expects from what it wrote, so the check holds
    /// whatever the chip does as long as the model is right, and the emulator implements the same model
    /// independently (table-driven) so that a mistake in either shows in the tests.
    /// </remarks>
    public static class Atm90e32Crc
    {
        /// <summary>Initial value of the CRC.</summary>
        public const int Initial = 0xFFFF;

        private const int Polynomial = 0x1021;

        private static readonly int[] Protected = BuildProtected();

        /// <summary>Number of protected registers.</summary>
        public static int ProtectedCount
        {
            get { return Protected.Length; }
        }

        /// <summary>
        /// Address of protected register <paramref name="index"/>: configuration 0x31-0x3A, energy calibration
        /// 0x41-0x4C, fundamental calibration 0x51-0x56, measurement calibration 0x61-0x6C and 0x6E.
        /// </summary>
        public static int ProtectedAddress(int index)
        {
            return Protected[index];
        }

        /// <summary>Index of <paramref name="address"/> among the protected registers, or -1.</summary>
        public static int IndexOf(int address)
        {
            for (int i = 0; i < Protected.Length; i++)
            {
                if (Protected[i] == address)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Feeds one byte into a running CRC.</summary>
        public static int Update(int crc, int value)
        {
            crc ^= (value & 0xFF) << 8;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ Polynomial : crc << 1;
            }

            return crc & 0xFFFF;
        }

        /// <summary>The digest of register values given in protected-register order (16-bit words).</summary>
        public static int Compute(int[] protectedValues)
        {
            int crc = Initial;
            for (int i = 0; i < Protected.Length; i++)
            {
                crc = Update(crc, protectedValues[i] >> 8);
                crc = Update(crc, protectedValues[i]);
            }

            return crc;
        }

        private static int[] BuildProtected()
        {
            int[] list = new int[10 + 12 + 6 + 12 + 1];
            int n = 0;
            for (int a = Atm90e32Register.PLconstH; a <= Atm90e32Register.SPhaseTh; a++)
            {
                list[n++] = a;
            }

            for (int a = Atm90e32Register.POffsetA; a <= Atm90e32Register.PhiC; a++)
            {
                list[n++] = a;
            }

            for (int a = Atm90e32Register.POffsetAF; a <= Atm90e32Register.PGainCF; a++)
            {
                list[n++] = a;
            }

            for (int a = Atm90e32Register.UgainA; a <= Atm90e32Register.IoffsetC; a++)
            {
                list[n++] = a;
            }

            list[n] = Atm90e32Register.IoffsetN;
            return list;
        }
    }
}
