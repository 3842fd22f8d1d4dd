namespace AssetMeter.Hardware.Atm90e32
{
    /// <summary>
    /// The reference front end the driver is configured for: an ESP32-S3-DevKitC with an ATM90E32AS on SPI,
    /// three-phase four-wire, 230 V per phase, 50 Hz, a resistive divider per voltage input and a current
    /// transformer with burden per current input. Pins live in hardware/boards; this is only what the chip's
    /// registers depend on.
    /// </summary>
    /// <remarks>
    /// The RMS gain formulas (Urms = Vpin x Ugain / 32, Irms = Vpin x Igain / 256) are this project's model of
    /// the chip, not taken from the datasheet (see README). Whatever the chip's true transfer, the bench
    /// calibration corrects the energy gain through PQGain; the nominal gains only have to put the energy
    /// within its range. With these values one count of the energy registers is 3.125 mWh (3200 imp/kWh).
    /// </remarks>
    public static class Atm90e32ReferenceBoard
    {
        /// <summary>Nominal phase-to-neutral voltage, volts.</summary>
        public const int NominalVolts = 230;

        /// <summary>Nominal line frequency, hertz.</summary>
        public const int LineFrequencyHertz = 50;

        /// <summary>Basic current Ib, amperes (the calibration current).</summary>
        public const int BasicCurrentAmps = 10;

        /// <summary>Maximum current Imax per phase, amperes (3 x 230 V x 100 A = 69 kW).</summary>
        public const int MaximumCurrentAmps = 100;

        /// <summary>Voltage divider top resistance: four 250 kOhm resistors in series, ohms.</summary>
        public const int DividerTopOhms = 1000000;

        /// <summary>Voltage divider bottom resistance (across the chip's V input), ohms.</summary>
        public const int DividerBottomOhms = 1000;

        /// <summary>Mains volts per volt at the chip's V input: (1 MOhm + 1 kOhm) / 1 kOhm = 1001 (230 V gives 0.2298 V rms).</summary>
        public const int DividerRatio = (DividerTopOhms + DividerBottomOhms) / DividerBottomOhms;

        /// <summary>Current transformer turns ratio (2500:1; 100 A gives 40 mA).</summary>
        public const int CtTurns = 2500;

        /// <summary>Burden resistance across each current input, ohms (100 A gives 0.4 V rms, 0.57 V peak).</summary>
        public const int BurdenOhms = 10;

        /// <summary>Amperes of primary current per volt at the chip's I input: 2500 / 10 = 250.</summary>
        public const int AmpsPerInputVolt = CtTurns / BurdenOhms;

        /// <summary>Ugain making Urms read volts: 32 x 1001 = 32032 (0x7D20).</summary>
        public const int NominalUgain = 32 * DividerRatio;

        /// <summary>Igain making Irms read amperes: 256 x 250 = 64000 (0xFA00).</summary>
        public const int NominalIgain = 256 * AmpsPerInputVolt;

        /// <summary>PL_constant for a meter constant of 3200 imp/kWh: 450,000,000,000 / 3200 = 140,625,000 (0x0861C468, the reset value).</summary>
        public const int PlConstant = 140625000;

        /// <summary>Meter constant, impulses per kWh (PL_constant = 4.5e11 / MC, consistent with the reset values).</summary>
        public const int MeterConstant = 3200;

        /// <summary>
        /// MMode0: 50 Hz (bit 12 clear), 3P4W (bit 8 clear), all-phase sum arithmetic (ABSEnP bit 3 clear), phases
        /// A, B and C in the sum (bits 2, 1, 0), bit 7 at its reset state. Equal to the reset value 0x0087.
        /// </summary>
        public const int MMode0 = 0x0087;

        /// <summary>MMode1: PGA gain 1 on all three current channels.</summary>
        public const int MMode1 = 0x0000;

        /// <summary>Start-up (no-load) power threshold, all-phase and per phase: 3 W in 0.00032 W units (9375).</summary>
        public const int NoLoadThreshold = 9375;

        /// <summary>Power below which the driver's energy cross-check ignores an interval, milliwatts (well above no-load).</summary>
        public const long ConsistencyFloorMilliwatts = 50000;
    }
}
