using AssetMeter.Metrology.Arithmetic;

namespace AssetMeter.Hardware.Ade7953
{
    /// <summary>
    /// The CRC the ADE7953 should hold in its CRC register (0x37F) for a given set of register values, computed
    /// by the driver from what it wrote, so a register changed behind its back is found.
    /// </summary>
    /// <remarks>
    /// <para>What the datasheet says (Rev. B p. 58): the registers of Table 12 and eight undocumented 8-bit
    /// internal registers form a bit string a0..a1023, a0 being the least significant bit of the first register;
    /// an IEEE 802.3 LFSR starting at all ones shifts them in; the register holds the final state, with no
    /// final inversion; with all registers at their defaults the CRC is 0x48739163.</para>
    /// <para>What is assumed (not verified against silicon): the eight internal registers enter first (as the
    /// ADE7816 datasheet states for its checksum), then the Table 12 registers in the table's order, each with
    /// its own width (8, 16 or 24 bits), least significant bit first; the generator is the IEEE 802.3 polynomial
    /// G(x) the datasheet quotes (its coefficient list, Eq. 50, says g31 where G(x) has x^23); the published default is taken with CONFIG at
    /// 0x8104 (defaults plus CRC_ENABLE, the only state in which the CRC is computed). The bit count comes to
    /// 864, not the 1024 the datasheet states: Table 12 as printed cannot fill 1024 bits.</para>
    /// <para>How the expected value is computed: the LFSR is linear over GF(2), so
    /// CRC(x) = CRC(defaults) XOR L(x XOR defaults), where L is the LFSR run from a zero state. The unknown
    /// internal registers cancel out, and only the published default and the layout above are needed.
    /// The shift-left LFSR fed least significant bit first is the bit reverse of the reflected CRC-32 of the
    /// same bytes in little-endian order, so L is <see cref="Crc32.Update(uint, byte)"/> from zero, reversed.
    /// The emulator implements the LFSR bit by bit from the datasheet's equations instead.</para>
    /// </remarks>
    public static class Ade7953Checksum
    {
        /// <summary>The CRC with every Table 12 register at its default (datasheet p. 58).</summary>
        public const uint DefaultValue = 0x48739163;

        // Table 12 in order; 24-bit registers at their 32-bit view.
        private static readonly int[] Addresses =
        {
            Ade7953Register.LineCycleMode, Ade7953Register.VoltagePga, Ade7953Register.CurrentPgaA,
            Ade7953Register.CurrentPgaB, Ade7953Register.WriteProtect,
            Ade7953Register.Config, Ade7953Register.Cf1Denominator, Ade7953Register.Cf2Denominator,
            Ade7953Register.CfMode, Ade7953Register.PhaseCalibrationA, Ade7953Register.PhaseCalibrationB,
            Ade7953Register.AlternativeOutput,
            Ade7953Register.AccumulationMode, Ade7953Register.InterruptEnableA, Ade7953Register.InterruptEnableB,
            0x380, 0x381, 0x382, 0x383, 0x384, 0x385, 0x386, 0x387, 0x388, 0x389, 0x38A, 0x38B,
            0x38C, 0x38D, 0x38E, 0x38F, 0x390, 0x391, 0x392, 0x393, 0x394, 0x395, 0x396, 0x397,
        };

        private static readonly int[] Defaults =
        {
            0x40, 0x00, 0x00, 0x00, 0x00,
            0x8004 | Ade7953Bits.CrcEnable, 0x003F, 0x003F, 0x0300, 0x0000, 0x0000, 0x0000,
            0x000000, 0x100000, 0x000000,
            0x400000, 0x400000, 0x400000, 0x400000, 0x400000, 0, 0, 0, 0, 0, 0, 0,
            0x400000, 0x400000, 0x400000, 0x400000, 0x400000, 0, 0, 0, 0, 0, 0, 0,
        };

        /// <summary>Number of registers the CRC covers (Table 12).</summary>
        public static int RegisterCount
        {
            get { return Addresses.Length; }
        }

        /// <summary>Address (24-bit registers at their 32-bit view) of covered register <paramref name="index"/>.</summary>
        public static int AddressAt(int index)
        {
            return Addresses[index];
        }

        /// <summary>Value of covered register <paramref name="index"/> in the published default CRC.</summary>
        public static int DefaultAt(int index)
        {
            return Defaults[index];
        }

        /// <summary>True when the CRC covers the register at <paramref name="address"/>.</summary>
        public static bool Covers(int address)
        {
            for (int i = 0; i < Addresses.Length; i++)
            {
                if (Addresses[i] == address)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The CRC the chip computes when the first <paramref name="count"/> registers of
        /// <paramref name="addresses"/> hold <paramref name="values"/> and every other covered register its default.
        /// </summary>
        public static uint Expected(int[] addresses, int[] values, int count)
        {
            uint running = 0;
            for (int i = 0; i < Addresses.Length; i++)
            {
                int value = Defaults[i];
                for (int j = 0; j < count; j++)
                {
                    if (addresses[j] == Addresses[i])
                    {
                        value = values[j];
                    }
                }

                int bytes = Ade7953Register.WidthBytes(Addresses[i]);
                if (bytes == 4)
                {
                    bytes = 3; // 24-bit registers enter with their 24 bits
                }

                int difference = value ^ Defaults[i];
                for (int k = 0; k < bytes; k++)
                {
                    running = Crc32.Update(running, (byte)(difference >> (8 * k)));
                }
            }

            return DefaultValue ^ Reverse(running);
        }

        /// <summary>Reverses the order of the 32 bits of <paramref name="value"/>.</summary>
        public static uint Reverse(uint value)
        {
            uint result = 0;
            for (int i = 0; i < 32; i++)
            {
                result = (result << 1) | (value & 1);
                value >>= 1;
            }

            return result;
        }
    }
}
