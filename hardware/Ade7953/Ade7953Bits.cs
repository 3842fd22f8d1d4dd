namespace AssetMeter.Hardware.Ade7953
{
    /// <summary>Bit fields and key values of the ADE7953 registers this driver uses (datasheet Rev. B, Tables 16 to 23).</summary>
    public static class Ade7953Bits
    {
        /// <summary>LCYCMODE bit 6, RSTREAD: energy registers are cleared by every read (set at reset).</summary>
        public const int ReadWithReset = 0x40;

        /// <summary>CONFIG bit 2, HPFEN: high-pass filter on all channels (set at reset).</summary>
        public const int HighPassFilter = 0x0004;

        /// <summary>CONFIG bit 7, SWRST: software reset; every register returns to its default.</summary>
        public const int SoftwareReset = 0x0080;

        /// <summary>CONFIG bit 8, CRC_ENABLE: the CRC register is computed (at 6.99 kHz).</summary>
        public const int CrcEnable = 0x0100;

        /// <summary>CONFIG bit 15, COMM_LOCK: 1 (reset) leaves interface detection free; 0 locks the interface in use.</summary>
        public const int CommunicationLockDisabled = 0x8000;

        /// <summary>IRQSTATA/IRQENA bit 20, RESET: end of a power-up, hardware or software reset; cannot be disabled.</summary>
        public const int ResetInterrupt = 0x100000;

        /// <summary>IRQSTATA/IRQENA bit 21, CRC: the checksum changed since it was enabled.</summary>
        public const int CrcInterrupt = 0x200000;

        /// <summary>IRQSTATA bit 6, AP_NOLOADA: channel A active energy is in no-load.</summary>
        public const int ActiveNoLoadA = 0x40;

        /// <summary>WRITE_PROTECT bits 0..2: protect the 8-bit, 16-bit and 24/32-bit registers.</summary>
        public const int WriteProtectAll = 0x07;

        /// <summary>DISNOLOAD bits 0..2: disable active, reactive and apparent no-load detection.</summary>
        public const int NoLoadDisableAll = 0x07;

        /// <summary>PHCALx bit 9: 1 advances the current channel, 0 delays it.</summary>
        public const int PhaseAdvance = 0x200;

        /// <summary>PHCALx bits [8:0]: magnitude in CLKIN/4 periods (1.117 µs).</summary>
        public const int PhaseMagnitudeMask = 0x1FF;

        /// <summary>Largest PHCALx magnitude the datasheet allows.</summary>
        public const int PhaseMagnitudeMaximum = 383;

        /// <summary>LAST_OP after a successful read.</summary>
        public const int LastOperationRead = 0x35;

        /// <summary>LAST_OP after a successful write.</summary>
        public const int LastOperationWrite = 0xCA;

        /// <summary>Key written to 0x0FE immediately before writing register 0x120.</summary>
        public const int OptimumSettingKey = 0xAD;

        /// <summary>The value register 0x120 needs for the performance of datasheet Table 1.</summary>
        public const int OptimumSettingValue = 0x30;

        /// <summary>Nominal (unity) value of every gain register: 2^22.</summary>
        public const int UnityGain = 0x400000;
    }
}
