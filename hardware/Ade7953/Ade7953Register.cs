namespace AssetMeter.Hardware.Ade7953
{
    /// <summary>
    /// ADE7953 register addresses (datasheet Rev. B, Tables 13 to 15). The width of a register is encoded by
    /// its address range: 0x0xx 8-bit, 0x1xx 16-bit, 0x2xx 24-bit, 0x3xx the 32-bit view of the same 24-bit
    /// registers (upper byte sign-extended). The 24/32-bit registers are given here at their 32-bit address,
    /// which is the view this driver uses; the 24-bit address is 0x100 lower.
    /// </summary>
    /// <remarks>
    /// Each entry names the datasheet mnemonic, access (R read-only, R/W), reset default and signedness.
    /// Signed registers are two's complement except PHCALA/PHCALB, which are sign-magnitude.
    /// </remarks>
    public static class Ade7953Register
    {
        /// <summary>Offset from a 24-bit register address to its 32-bit view.</summary>
        public const int ThirtyTwoBitView = 0x100;

        // ---- 8-bit (Table 13) ----

        /// <summary>SAGCYC: sag line cycles. R/W, 0x00, unsigned.</summary>
        public const int SagCycles = 0x000;

        /// <summary>DISNOLOAD: no-load detection disable bits (Table 16). R/W, 0x00, unsigned.</summary>
        public const int NoLoadDisable = 0x001;

        /// <summary>LCYCMODE: line-cycle accumulation modes and RSTREAD (Table 17). R/W, 0x40, unsigned.</summary>
        public const int LineCycleMode = 0x004;

        /// <summary>PGA_V: voltage channel PGA gain, bits [2:0]. R/W, 0x00, unsigned.</summary>
        public const int VoltagePga = 0x007;

        /// <summary>PGA_IA: current channel A PGA gain, bits [2:0]. R/W, 0x00, unsigned.</summary>
        public const int CurrentPgaA = 0x008;

        /// <summary>PGA_IB: current channel B PGA gain, bits [2:0]. R/W, 0x00, unsigned.</summary>
        public const int CurrentPgaB = 0x009;

        /// <summary>WRITE_PROTECT: bit 0 protects 8-bit, bit 1 16-bit, bit 2 24/32-bit registers. R/W, 0x00, unsigned.</summary>
        public const int WriteProtect = 0x040;

        /// <summary>LAST_OP: type of the last successful communication (0x35 read, 0xCA write). R, 0x00, unsigned.</summary>
        public const int LastOperation = 0x0FD;

        /// <summary>Unlock key register for register 0x120 (write 0xAD immediately before writing 0x120; "Required Register Setting").</summary>
        public const int OptimumSettingUnlock = 0x0FE;

        /// <summary>LAST_RWDATA, 8-bit: data of the last successful 8-bit communication. R, 0x00, unsigned.</summary>
        public const int LastData8 = 0x0FF;

        /// <summary>Version: silicon version number. R, no documented default, unsigned.</summary>
        public const int Version = 0x702;

        /// <summary>EX_REF: 0 internal reference, 1 external. R/W, 0x00, unsigned.</summary>
        public const int ExternalReference = 0x800;

        // ---- 16-bit (Table 14) ----

        /// <summary>ZXTOUT: zero-crossing timeout. R/W, 0xFFFF, unsigned.</summary>
        public const int ZeroCrossingTimeout = 0x100;

        /// <summary>LINECYC: half line cycles for line-cycle accumulation. R/W, 0x0000, unsigned.</summary>
        public const int LineCycles = 0x101;

        /// <summary>CONFIG: integrators, HPF, software reset, CRC enable, communication lock (Table 18). R/W, 0x8004, unsigned.</summary>
        public const int Config = 0x102;

        /// <summary>CF1DEN: CF1 frequency divider. R/W, 0x003F, unsigned.</summary>
        public const int Cf1Denominator = 0x103;

        /// <summary>CF2DEN: CF2 frequency divider. R/W, 0x003F, unsigned.</summary>
        public const int Cf2Denominator = 0x104;

        /// <summary>CFMODE: CF output selection (Table 19). R/W, 0x0300, unsigned.</summary>
        public const int CfMode = 0x107;

        /// <summary>PHCALA: phase calibration, current channel A; 10-bit sign-magnitude. R/W, 0x0000, signed.</summary>
        public const int PhaseCalibrationA = 0x108;

        /// <summary>PHCALB: phase calibration, current channel B; 10-bit sign-magnitude. R/W, 0x0000, signed.</summary>
        public const int PhaseCalibrationB = 0x109;

        /// <summary>PFA: power factor, channel A; LSB 2^-15. R, 0x0000, signed.</summary>
        public const int PowerFactorA = 0x10A;

        /// <summary>PFB: power factor, channel B. R, 0x0000, signed.</summary>
        public const int PowerFactorB = 0x10B;

        /// <summary>ANGLE_A: angle between voltage and current A. R, 0x0000, signed.</summary>
        public const int AngleA = 0x10C;

        /// <summary>ANGLE_B: angle between voltage and current B. R, 0x0000, signed.</summary>
        public const int AngleB = 0x10D;

        /// <summary>Period: line period in 223.75 kHz clocks minus one. R, 0x0000, unsigned.</summary>
        public const int Period = 0x10E;

        /// <summary>ALT_OUTPUT: alternative pin functions (Table 20). R/W, 0x0000, unsigned.</summary>
        public const int AlternativeOutput = 0x110;

        /// <summary>Reserved 0x120: must be set to 0x30 after every power-up (unlocked by 0xAD at 0x0FE). R/W, 0x0000, unsigned.</summary>
        public const int OptimumSetting = 0x120;

        /// <summary>LAST_ADD: address of the last successful communication. R, 0x0000, unsigned.</summary>
        public const int LastAddress = 0x1FE;

        /// <summary>LAST_RWDATA, 16-bit. R, 0x0000, unsigned.</summary>
        public const int LastData16 = 0x1FF;

        // ---- 24-bit registers at their 32-bit view (Table 15) ----

        /// <summary>SAGLVL: sag voltage level. R/W, 0x000000, unsigned.</summary>
        public const int SagLevel = 0x300;

        /// <summary>ACCMODE: accumulation modes, power sign and no-load status (Table 21). R/W, 0x000000, unsigned.</summary>
        public const int AccumulationMode = 0x301;

        /// <summary>AP_NOLOAD: active power no-load level. R/W, 0x00E419, unsigned.</summary>
        public const int ActivePowerNoLoad = 0x303;

        /// <summary>VAR_NOLOAD: reactive power no-load level. R/W, 0x00E419, unsigned.</summary>
        public const int ReactivePowerNoLoad = 0x304;

        /// <summary>VA_NOLOAD: apparent power no-load level. R/W, 0x000000, unsigned.</summary>
        public const int ApparentPowerNoLoad = 0x305;

        /// <summary>AVA: instantaneous apparent power, channel A. R, signed.</summary>
        public const int ApparentPowerA = 0x310;

        /// <summary>BVA: instantaneous apparent power, channel B. R, signed.</summary>
        public const int ApparentPowerB = 0x311;

        /// <summary>AWATT: instantaneous active power, channel A. R, signed.</summary>
        public const int ActivePowerA = 0x312;

        /// <summary>BWATT: instantaneous active power, channel B. R, signed.</summary>
        public const int ActivePowerB = 0x313;

        /// <summary>AVAR: instantaneous reactive power, channel A. R, signed.</summary>
        public const int ReactivePowerA = 0x314;

        /// <summary>BVAR: instantaneous reactive power, channel B. R, signed.</summary>
        public const int ReactivePowerB = 0x315;

        /// <summary>IA: instantaneous current, channel A. R, signed.</summary>
        public const int CurrentA = 0x316;

        /// <summary>IB: instantaneous current, channel B. R, signed.</summary>
        public const int CurrentB = 0x317;

        /// <summary>V: instantaneous voltage. R, signed.</summary>
        public const int Voltage = 0x318;

        /// <summary>IRMSA: current rms, channel A. R, unsigned.</summary>
        public const int CurrentRmsA = 0x31A;

        /// <summary>IRMSB: current rms, channel B. R, unsigned.</summary>
        public const int CurrentRmsB = 0x31B;

        /// <summary>VRMS: voltage rms. R, unsigned.</summary>
        public const int VoltageRms = 0x31C;

        /// <summary>AENERGYA: active energy, channel A; read-with-reset while LCYCMODE.RSTREAD is set. R, 0x000000, signed.</summary>
        public const int ActiveEnergyA = 0x31E;

        /// <summary>AENERGYB: active energy, channel B. R, 0x000000, signed.</summary>
        public const int ActiveEnergyB = 0x31F;

        /// <summary>RENERGYA: reactive energy, channel A. R, 0x000000, signed.</summary>
        public const int ReactiveEnergyA = 0x320;

        /// <summary>RENERGYB: reactive energy, channel B. R, 0x000000, signed.</summary>
        public const int ReactiveEnergyB = 0x321;

        /// <summary>APENERGYA: apparent energy, channel A. R, 0x000000, signed.</summary>
        public const int ApparentEnergyA = 0x322;

        /// <summary>APENERGYB: apparent energy, channel B. R, 0x000000, signed.</summary>
        public const int ApparentEnergyB = 0x323;

        /// <summary>OVLVL: overvoltage level. R/W, 0xFFFFFF, unsigned.</summary>
        public const int OvervoltageLevel = 0x324;

        /// <summary>OILVL: overcurrent level. R/W, 0xFFFFFF, unsigned.</summary>
        public const int OvercurrentLevel = 0x325;

        /// <summary>VPEAK: voltage peak. R, unsigned.</summary>
        public const int VoltagePeak = 0x326;

        /// <summary>RSTVPEAK: voltage peak, read-with-reset. R, unsigned.</summary>
        public const int VoltagePeakReset = 0x327;

        /// <summary>IAPEAK: current A peak. R, unsigned.</summary>
        public const int CurrentPeakA = 0x328;

        /// <summary>RSTIAPEAK: current A peak, read-with-reset. R, unsigned.</summary>
        public const int CurrentPeakAReset = 0x329;

        /// <summary>IBPEAK: current B peak. R, unsigned.</summary>
        public const int CurrentPeakB = 0x32A;

        /// <summary>RSTIBPEAK: current B peak, read-with-reset. R, unsigned.</summary>
        public const int CurrentPeakBReset = 0x32B;

        /// <summary>IRQENA: interrupt enable, voltage and channel A (Table 22). R/W, 0x100000 (RESET enabled), unsigned.</summary>
        public const int InterruptEnableA = 0x32C;

        /// <summary>IRQSTATA: interrupt status, voltage and channel A (Table 23); not cleared by reading. R, 0x000000, unsigned.</summary>
        public const int InterruptStatusA = 0x32D;

        /// <summary>RSTIRQSTATA: the same status bits, cleared by reading. R, 0x000000, unsigned.</summary>
        public const int InterruptStatusAReset = 0x32E;

        /// <summary>IRQENB: interrupt enable, channel B. R/W, 0x000000, unsigned.</summary>
        public const int InterruptEnableB = 0x32F;

        /// <summary>IRQSTATB: interrupt status, channel B. R, 0x000000, unsigned.</summary>
        public const int InterruptStatusB = 0x330;

        /// <summary>RSTIRQSTATB: channel B status, cleared by reading. R, 0x000000, unsigned.</summary>
        public const int InterruptStatusBReset = 0x331;

        /// <summary>CRC: CRC-32 of the configuration and calibration registers (Table 12); 32 bits, only at this address. R, 0xFFFFFFFF until enabled.</summary>
        public const int Checksum = 0x37F;

        /// <summary>AIGAIN: current gain, channel A; nominal 0x400000. R/W, 0x400000, unsigned.</summary>
        public const int CurrentGainA = 0x380;

        /// <summary>AVGAIN: voltage gain; nominal 0x400000. R/W, 0x400000, unsigned.</summary>
        public const int VoltageGain = 0x381;

        /// <summary>AWGAIN: active power gain, channel A; nominal 0x400000. R/W, 0x400000, unsigned.</summary>
        public const int ActivePowerGainA = 0x382;

        /// <summary>AVARGAIN: reactive power gain, channel A. R/W, 0x400000, unsigned.</summary>
        public const int ReactivePowerGainA = 0x383;

        /// <summary>AVAGAIN: apparent power gain, channel A. R/W, 0x400000, unsigned.</summary>
        public const int ApparentPowerGainA = 0x384;

        /// <summary>AIRMSOS: IRMS offset, channel A. R/W, 0x000000, signed.</summary>
        public const int CurrentRmsOffsetA = 0x386;

        /// <summary>VRMSOS: VRMS offset. R/W, 0x000000, signed.</summary>
        public const int VoltageRmsOffset = 0x388;

        /// <summary>AWATTOS: active power offset, channel A; 1 LSB = 2^-9 AWATT LSB. R/W, 0x000000, signed.</summary>
        public const int ActivePowerOffsetA = 0x389;

        /// <summary>AVAROS: reactive power offset, channel A. R/W, 0x000000, signed.</summary>
        public const int ReactivePowerOffsetA = 0x38A;

        /// <summary>AVAOS: apparent power offset, channel A. R/W, 0x000000, signed.</summary>
        public const int ApparentPowerOffsetA = 0x38B;

        /// <summary>BIGAIN: current gain, channel B. R/W, 0x400000, unsigned.</summary>
        public const int CurrentGainB = 0x38C;

        /// <summary>BVGAIN: voltage gain as seen by channel B; keep equal to AVGAIN. R/W, 0x400000, unsigned.</summary>
        public const int VoltageGainB = 0x38D;

        /// <summary>BWGAIN: active power gain, channel B. R/W, 0x400000, unsigned.</summary>
        public const int ActivePowerGainB = 0x38E;

        /// <summary>BVARGAIN: reactive power gain, channel B. R/W, 0x400000, unsigned.</summary>
        public const int ReactivePowerGainB = 0x38F;

        /// <summary>BVAGAIN: apparent power gain, channel B. R/W, 0x400000, unsigned.</summary>
        public const int ApparentPowerGainB = 0x390;

        /// <summary>BIRMSOS: IRMS offset, channel B. R/W, 0x000000, signed.</summary>
        public const int CurrentRmsOffsetB = 0x392;

        /// <summary>BWATTOS: active power offset, channel B. R/W, 0x000000, signed.</summary>
        public const int ActivePowerOffsetB = 0x395;

        /// <summary>BVAROS: reactive power offset, channel B. R/W, 0x000000, signed.</summary>
        public const int ReactivePowerOffsetB = 0x396;

        /// <summary>BVAOS: apparent power offset, channel B. R/W, 0x000000, signed.</summary>
        public const int ApparentPowerOffsetB = 0x397;

        /// <summary>LAST_RWDATA, 24-bit view: data of the last successful 24-bit communication. R, unsigned.</summary>
        public const int LastData24 = 0x2FF;

        /// <summary>LAST_RWDATA, 32-bit view: data of the last successful 32-bit communication. R, unsigned.</summary>
        public const int LastData32 = 0x3FF;

        /// <summary>Bytes on the wire for a register at <paramref name="address"/> (1, 2, 3 or 4), from its address range.</summary>
        public static int WidthBytes(int address)
        {
            if (address == Version || address == ExternalReference)
            {
                return 1;
            }

            return (address >> 8) + 1;
        }

        /// <summary>The LAST_RWDATA address that echoes a communication of <paramref name="widthBytes"/> bytes.</summary>
        public static int LastDataFor(int widthBytes)
        {
            return ((widthBytes - 1) << 8) | 0xFF;
        }
    }
}
