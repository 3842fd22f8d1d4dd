namespace AssetMeter.Hardware.Atm90e32
{
    /// <summary>
    /// Register addresses of the ATM90E32AS (10-bit addresses, 16-bit registers), grouped as in the datasheet's
    /// register tables and named with the datasheet mnemonics so they can be searched in the PDF.
    /// </summary>
    /// <remarks>
    /// Each entry gives access (R read, W write, R/W, R/C read and cleared by the read) and the reset value.
    /// Addresses come from the datasheet as mirrored by ESPHome's atm90e32_reg.h; reset values marked "assumed"
    /// were not found in a datasheet excerpt (see README, "Documentation"). Per-phase registers are reached only
    /// through <see cref="Phase"/>, whose entries are built from one phase index in one place, so a register of
    /// one phase can never be paired with another phase's (the ESPHome reverse-energy defect).
    /// </remarks>
    public static class Atm90e32Register
    {
        // ------------------------------------------------------------ status and special registers

        /// <summary>MeterEn, R/W, metering enable (0x0001 enables). Reset 0x0000 (assumed).</summary>
        public const int MeterEn = 0x00;

        /// <summary>SoftReset, W, writing 0x789A resets every register to its power-on value.</summary>
        public const int SoftReset = 0x70;

        /// <summary>EMMState0, R, metering state 0 (over-current, over-voltage, no-load flags). Reset 0x0000.</summary>
        public const int EMMState0 = 0x71;

        /// <summary>EMMState1, R, metering state 1 (sag, phase loss, energy-register sign flags). Reset 0x0000.</summary>
        public const int EMMState1 = 0x72;

        /// <summary>LastSPIData, R, the 16-bit data word of the last SPI read or write (a read of LastSPIData leaves it unchanged).</summary>
        public const int LastSPIData = 0x78;

        /// <summary>CRCErrStatus, R, bit 0 set when the configuration CRC no longer matches the one latched at lock (our model). Reset 0x0000.</summary>
        public const int CRCErrStatus = 0x79;

        /// <summary>CRCDigest, R, the CRC the chip computes over the configuration and calibration registers (algorithm assumed, see <see cref="Atm90e32Crc"/>).</summary>
        public const int CRCDigest = 0x7A;

        /// <summary>CfgRegAccEn, R/W, 0x55AA opens writes to configuration and calibration registers; any other value closes them. Reset 0x0000 (assumed).</summary>
        public const int CfgRegAccEn = 0x7F;

        // ------------------------------------------------------------ configuration registers (R/W)

        /// <summary>PLconstH, R/W, high word of the pulse constant. Reset 0x0861.</summary>
        public const int PLconstH = 0x31;

        /// <summary>PLconstL, R/W, low word of the pulse constant. Reset 0xC468 (PL_constant 140,625,000: 3200 imp/kWh).</summary>
        public const int PLconstL = 0x32;

        /// <summary>MMode0, R/W, metering mode: line frequency, 3P4W/3P3W, all-phase sum mode, phases in the sum. Reset 0x0087.</summary>
        public const int MMode0 = 0x33;

        /// <summary>MMode1, R/W, PGA gain of the current channels (2 bits per phase). Reset 0x0000.</summary>
        public const int MMode1 = 0x34;

        /// <summary>PStartTh, R/W, all-phase active startup (no-load) power threshold, 0.00032 W per LSB. Reset 0x0000.</summary>
        public const int PStartTh = 0x35;

        /// <summary>QStartTh, R/W, all-phase reactive startup power threshold, 0.00032 var per LSB. Reset 0x0000.</summary>
        public const int QStartTh = 0x36;

        /// <summary>SStartTh, R/W, all-phase apparent startup power threshold, 0.00032 VA per LSB. Reset 0x0000.</summary>
        public const int SStartTh = 0x37;

        /// <summary>PPhaseTh, R/W, per-phase active power accumulation threshold, 0.00032 W per LSB. Reset 0x0000.</summary>
        public const int PPhaseTh = 0x38;

        /// <summary>QPhaseTh, R/W, per-phase reactive power accumulation threshold. Reset 0x0000.</summary>
        public const int QPhaseTh = 0x39;

        /// <summary>SPhaseTh, R/W, per-phase apparent power accumulation threshold. Reset 0x0000.</summary>
        public const int SPhaseTh = 0x3A;

        // ------------------------------------------------------------ energy calibration registers (R/W, reset 0x0000)

        /// <summary>POffsetA, R/W, phase A active power offset (two's complement, 1/256 W per LSB, assumed).</summary>
        public const int POffsetA = 0x41;

        /// <summary>QOffsetA, R/W, phase A reactive power offset.</summary>
        public const int QOffsetA = 0x42;

        /// <summary>POffsetB, R/W, phase B active power offset.</summary>
        public const int POffsetB = 0x43;

        /// <summary>QOffsetB, R/W, phase B reactive power offset.</summary>
        public const int QOffsetB = 0x44;

        /// <summary>POffsetC, R/W, phase C active power offset.</summary>
        public const int POffsetC = 0x45;

        /// <summary>QOffsetC, R/W, phase C reactive power offset.</summary>
        public const int QOffsetC = 0x46;

        /// <summary>PQGainA, R/W, phase A active/reactive energy gain (two's complement, factor 1 + value / 2^15, assumed).</summary>
        public const int PQGainA = 0x47;

        /// <summary>PhiA, R/W, phase A phase compensation (two's complement delay of the current channel in 2.048 MHz cycles, assumed).</summary>
        public const int PhiA = 0x48;

        /// <summary>PQGainB, R/W, phase B energy gain.</summary>
        public const int PQGainB = 0x49;

        /// <summary>PhiB, R/W, phase B phase compensation.</summary>
        public const int PhiB = 0x4A;

        /// <summary>PQGainC, R/W, phase C energy gain.</summary>
        public const int PQGainC = 0x4B;

        /// <summary>PhiC, R/W, phase C phase compensation.</summary>
        public const int PhiC = 0x4C;

        // ------------------------------------------------------------ fundamental/harmonic calibration registers (R/W, reset 0x0000)

        /// <summary>POffsetAF, R/W, phase A fundamental active power offset (not used; written 0).</summary>
        public const int POffsetAF = 0x51;

        /// <summary>POffsetBF, R/W, phase B fundamental active power offset (not used; written 0).</summary>
        public const int POffsetBF = 0x52;

        /// <summary>POffsetCF, R/W, phase C fundamental active power offset (not used; written 0).</summary>
        public const int POffsetCF = 0x53;

        /// <summary>PGainAF, R/W, phase A fundamental active power gain (not used; written 0).</summary>
        public const int PGainAF = 0x54;

        /// <summary>PGainBF, R/W, phase B fundamental active power gain (not used; written 0).</summary>
        public const int PGainBF = 0x55;

        /// <summary>PGainCF, R/W, phase C fundamental active power gain (not used; written 0).</summary>
        public const int PGainCF = 0x56;

        // ------------------------------------------------------------ measurement calibration registers (R/W)

        /// <summary>UgainA, R/W, phase A voltage RMS gain (unsigned; our model: Urms = Vpin x Ugain / 32). Reset 0x0000 (assumed).</summary>
        public const int UgainA = 0x61;

        /// <summary>IgainA, R/W, phase A current RMS gain (unsigned; our model: Irms = Vpin x Igain / 256). Reset 0x0000 (assumed).</summary>
        public const int IgainA = 0x62;

        /// <summary>UoffsetA, R/W, phase A voltage RMS offset (not used; written 0).</summary>
        public const int UoffsetA = 0x63;

        /// <summary>IoffsetA, R/W, phase A current RMS offset (not used; written 0).</summary>
        public const int IoffsetA = 0x64;

        /// <summary>UgainB, R/W, phase B voltage RMS gain.</summary>
        public const int UgainB = 0x65;

        /// <summary>IgainB, R/W, phase B current RMS gain.</summary>
        public const int IgainB = 0x66;

        /// <summary>UoffsetB, R/W, phase B voltage RMS offset (not used; written 0).</summary>
        public const int UoffsetB = 0x67;

        /// <summary>IoffsetB, R/W, phase B current RMS offset (not used; written 0).</summary>
        public const int IoffsetB = 0x68;

        /// <summary>UgainC, R/W, phase C voltage RMS gain.</summary>
        public const int UgainC = 0x69;

        /// <summary>IgainC, R/W, phase C current RMS gain.</summary>
        public const int IgainC = 0x6A;

        /// <summary>UoffsetC, R/W, phase C voltage RMS offset (not used; written 0).</summary>
        public const int UoffsetC = 0x6B;

        /// <summary>IoffsetC, R/W, phase C current RMS offset (not used; written 0).</summary>
        public const int IoffsetC = 0x6C;

        /// <summary>IoffsetN, R/W, neutral current RMS offset (not used; written 0).</summary>
        public const int IoffsetN = 0x6E;

        // ------------------------------------------------------------ active energy registers (R/C, 16-bit, 0.01 CF pulse per LSB, reset 0x0000)

        /// <summary>APenergyT, R/C, all-phase-sum forward (import) active energy.</summary>
        public const int APenergyT = 0x80;

        /// <summary>APenergyA, R/C, phase A forward active energy.</summary>
        public const int APenergyA = 0x81;

        /// <summary>APenergyB, R/C, phase B forward active energy.</summary>
        public const int APenergyB = 0x82;

        /// <summary>APenergyC, R/C, phase C forward active energy.</summary>
        public const int APenergyC = 0x83;

        /// <summary>ANenergyT, R/C, all-phase-sum reverse (export) active energy.</summary>
        public const int ANenergyT = 0x84;

        /// <summary>ANenergyA, R/C, phase A reverse active energy.</summary>
        public const int ANenergyA = 0x85;

        /// <summary>ANenergyB, R/C, phase B reverse active energy.</summary>
        public const int ANenergyB = 0x86;

        /// <summary>ANenergyC, R/C, phase C reverse active energy.</summary>
        public const int ANenergyC = 0x87;

        // ------------------------------------------------------------ power and power factor registers (R)

        /// <summary>PmeanT, R, all-phase-sum active power, two's complement, 4 W per LSB.</summary>
        public const int PmeanT = 0xB0;

        /// <summary>PmeanA, R, phase A active power, two's complement, 1 W per LSB.</summary>
        public const int PmeanA = 0xB1;

        /// <summary>PmeanB, R, phase B active power.</summary>
        public const int PmeanB = 0xB2;

        /// <summary>PmeanC, R, phase C active power.</summary>
        public const int PmeanC = 0xB3;

        /// <summary>PFmeanT, R, total power factor, signed, 0.001 per LSB.</summary>
        public const int PFmeanT = 0xBC;

        /// <summary>PFmeanA, R, phase A power factor, signed, 0.001 per LSB.</summary>
        public const int PFmeanA = 0xBD;

        /// <summary>PFmeanB, R, phase B power factor.</summary>
        public const int PFmeanB = 0xBE;

        /// <summary>PFmeanC, R, phase C power factor.</summary>
        public const int PFmeanC = 0xBF;

        /// <summary>PmeanTLSB, R, lower word of PmeanT: bits 15:8 valid, bit 8 is 4/256 W, bits 7:0 read 0.</summary>
        public const int PmeanTLSB = 0xC0;

        /// <summary>PmeanALSB, R, lower word of PmeanA: bit 8 is 1/256 W.</summary>
        public const int PmeanALSB = 0xC1;

        /// <summary>PmeanBLSB, R, lower word of PmeanB.</summary>
        public const int PmeanBLSB = 0xC2;

        /// <summary>PmeanCLSB, R, lower word of PmeanC.</summary>
        public const int PmeanCLSB = 0xC3;

        // ------------------------------------------------------------ RMS registers (R)

        /// <summary>UrmsA, R, phase A RMS voltage, 0.01 V per LSB.</summary>
        public const int UrmsA = 0xD9;

        /// <summary>UrmsB, R, phase B RMS voltage.</summary>
        public const int UrmsB = 0xDA;

        /// <summary>UrmsC, R, phase C RMS voltage.</summary>
        public const int UrmsC = 0xDB;

        /// <summary>IrmsA, R, phase A RMS current, 0.001 A per LSB (tops out at 65.535 A).</summary>
        public const int IrmsA = 0xDD;

        /// <summary>IrmsB, R, phase B RMS current.</summary>
        public const int IrmsB = 0xDE;

        /// <summary>IrmsC, R, phase C RMS current.</summary>
        public const int IrmsC = 0xDF;

        // ------------------------------------------------------------ frequency, angle and temperature (R)

        /// <summary>Freq, R, line frequency, 0.01 Hz per LSB.</summary>
        public const int Freq = 0xF8;

        /// <summary>Temp, R, chip temperature, signed, 1 degree C per LSB.</summary>
        public const int Temp = 0xFC;

        // ------------------------------------------------------------ values written to the special registers

        /// <summary>The value written to <see cref="SoftReset"/> to reset the chip.</summary>
        public const int SoftResetKey = 0x789A;

        /// <summary>The value written to <see cref="CfgRegAccEn"/> to open configuration access.</summary>
        public const int ConfigAccessKey = 0x55AA;

        /// <summary>The value written to <see cref="CfgRegAccEn"/> to close configuration access again.</summary>
        public const int ConfigAccessClosed = 0x0000;

        /// <summary>Bit 15 of the address word: 1 reads, 0 writes.</summary>
        public const int ReadFlag = 0x8000;

        /// <summary>Mask of the 10 address bits in the address word.</summary>
        public const int AddressMask = 0x03FF;

        /// <summary>Number of phases.</summary>
        public const int PhaseCount = 3;

        private static readonly Atm90e32PhaseRegisters[] PhaseTable =
        {
            new Atm90e32PhaseRegisters(0),
            new Atm90e32PhaseRegisters(1),
            new Atm90e32PhaseRegisters(2),
        };

        /// <summary>The registers of phase <paramref name="phase"/> (0 = A, 1 = B, 2 = C).</summary>
        /// <exception cref="System.ArgumentOutOfRangeException">The phase is not 0, 1 or 2.</exception>
        public static Atm90e32PhaseRegisters Phase(int phase)
        {
            if (phase < 0 || phase >= PhaseCount)
            {
                throw new System.ArgumentOutOfRangeException("phase", "the ATM90E32AS has phases 0 (A) to 2 (C)");
            }

            return PhaseTable[phase];
        }
    }
}
