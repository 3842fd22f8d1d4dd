namespace AssetMeter.Hardware.Ade7953
{
    /// <summary>
    /// The reference board's analogue front end and the scaling it gives every register at unity gains
    /// (xIGAIN = xVGAIN = xWGAIN = 0x400000, PGAs at 1). Calibration trims the gains so that a real board
    /// matches these nominal scales; the energy scale in particular never changes with calibration.
    /// </summary>
    /// <remarks>
    /// Board: ESP32-DevKitC + ADE7953 on I2C (address 0x38), single phase, 230 V 50 Hz (GB).
    /// Voltage: resistive divider 999 kΩ + 1 kΩ, ratio 1000:1 (230 V → 230 mV rms; 276 V (+20%) still peaks at
    /// 390 mV, inside the ±500 mV input at PGA 1). Current channel A: a 2500:1 CT into an 8.2 Ω burden,
    /// differential into IAP/IAN: full scale (500 mV peak) is 107.8 A rms, so Imax = 63 A peaks at 58% of full
    /// scale (room for a crest factor up to 2.4) and 5% of Ib = 0.5 A sits at 1:216 of full scale, well inside
    /// the 3000:1 range of the datasheet's 0.1% accuracy. Ib = 10 A, Imax = 63 A: the asset's circuit is
    /// protected by at most a 63 A breaker (a 32 A EV charger, a heat pump, a home battery).
    /// Datasheet full-scale readings (Rev. B pp. 23-25, 35): VRMS and IRMSx read 9,032,007 with full-scale
    /// inputs; AWATT reads about 4,862,401; active energy accumulates at about 206.9 kHz. The energy scale
    /// takes 206.9 kHz as exact; the real chip's small departure from it is one more gain error that the
    /// AWGAIN calibration removes.
    /// </remarks>
    public static class Ade7953FrontEnd
    {
        /// <summary>Nominal line voltage, V rms.</summary>
        public const double NominalVoltage = 230.0;

        /// <summary>Nominal line frequency, Hz (GB).</summary>
        public const double LineFrequencyHertz = 50.0;

        /// <summary>Basic current Ib, A.</summary>
        public const double BasicCurrentAmps = 10.0;

        /// <summary>Maximum current Imax, A.</summary>
        public const double MaximumCurrentAmps = 63.0;

        /// <summary>Voltage divider ratio (999 kΩ + 1 kΩ).</summary>
        public const double VoltageDividerRatio = 1000.0;

        /// <summary>Current transformer turns ratio.</summary>
        public const double CurrentTransformerTurns = 2500.0;

        /// <summary>CT burden resistor, Ω.</summary>
        public const double BurdenOhms = 8.2;

        /// <summary>Square of the full-scale sinusoidal input at PGA 1: (0.5 V peak / √2)^2 = 0.125 V².</summary>
        public const double FullScaleInputSquaredVolts = 0.125;

        /// <summary>Full-scale input at PGA 1, V rms (0.5 V peak).</summary>
        public const double FullScaleInputVolts = 0.35355339059327373;

        /// <summary>VRMS and IRMSx reading with full-scale inputs.</summary>
        public const double RmsFullScaleCounts = 9032007.0;

        /// <summary>AWATT reading with full-scale inputs on both channels.</summary>
        public const double ActivePowerFullScaleCounts = 4862401.0;

        /// <summary>Active energy accumulation rate with full-scale inputs, counts per second.</summary>
        public const double EnergyFullScaleRateHertz = 206900.0;

        /// <summary>Line voltage that drives the voltage channel to full scale, V rms.</summary>
        public const double FullScaleVoltageRms = FullScaleInputVolts * VoltageDividerRatio;

        /// <summary>Line current that drives channel A to full scale, A rms.</summary>
        public const double FullScaleCurrentRms = FullScaleInputVolts * CurrentTransformerTurns / BurdenOhms;

        /// <summary>Active power with both channels at full scale: 0.125 × 1000 × 2500 / 8.2 = 38,109.76 W.</summary>
        public const double FullScaleWatts = FullScaleInputSquaredVolts * VoltageDividerRatio * CurrentTransformerTurns / BurdenOhms;

        /// <summary>Volts of line voltage per VRMS LSB (39.14 µV).</summary>
        public const double VoltsPerVrmsLsb = FullScaleVoltageRms / RmsFullScaleCounts;

        /// <summary>Amperes of line current per IRMSA LSB (11.93 µA).</summary>
        public const double AmpsPerIrmsLsb = FullScaleCurrentRms / RmsFullScaleCounts;

        /// <summary>Watts per AWATT LSB (7.838 mW).</summary>
        public const double WattsPerActivePowerLsb = FullScaleWatts / ActivePowerFullScaleCounts;

        /// <summary><see cref="VoltsPerVrmsLsb"/> in picovolts, rounded when compiling: the device converts in integers.</summary>
        public const long PicovoltsPerVrmsLsb = (long)((VoltsPerVrmsLsb * 1e12) + 0.5);

        /// <summary><see cref="AmpsPerIrmsLsb"/> in picoamperes, rounded when compiling.</summary>
        public const long PicoampsPerIrmsLsb = (long)((AmpsPerIrmsLsb * 1e12) + 0.5);

        /// <summary><see cref="WattsPerActivePowerLsb"/> in picowatts, rounded when compiling.</summary>
        public const long PicowattsPerActivePowerLsb = (long)((WattsPerActivePowerLsb * 1e12) + 0.5);

        /// <summary>AWATTOS LSBs per AWATT LSB: the offset is added 9 bits below the power (datasheet p. 35).</summary>
        public const double OffsetLsbsPerActivePowerLsb = 512.0;

        /// <summary>
        /// Numerator of the energy LSB in µWh: FullScaleWatts × 10^6 / (206,900 × 3600) = 39,062,500 / 763,461
        /// = 51.165 µWh per count (exactly, with 206.9 kHz taken as exact).
        /// </summary>
        public const long EnergyScaleNumerator = 39062500;

        /// <summary>Denominator of the energy LSB in µWh (see <see cref="EnergyScaleNumerator"/>).</summary>
        public const long EnergyScaleDenominator = 763461;

        /// <summary>
        /// No-load threshold as a fraction of full-scale power (10,000:1, the datasheet's default; 3.81 W here,
        /// 0.17% of Ib at unity power factor, below any Type 5 test point and above the calibrated offset).
        /// </summary>
        public const int NoLoadRatio = 10000;

        /// <summary>AP_NOLOAD value for <see cref="NoLoadRatio"/>: 65,536 - 10,000 / 1.4 = 58,393 (datasheet Eq. 39).</summary>
        public const int ActivePowerNoLoadValue = 58393;

        /// <summary>Active power below which the chip stops accumulating (creep prevention), W.</summary>
        public const double NoLoadWatts = FullScaleWatts / NoLoadRatio;

        /// <summary>Clock of the phase calibration delay: CLKIN / 4 = 895 kHz, one PHCAL LSB is 1.117 µs.</summary>
        public const double PhaseClockHertz = 895000.0;

        /// <summary>Clock of the Period register: 223.75 kHz; frequency = 223,750 / (Period + 1).</summary>
        public const long PeriodClockHertz = 223750;
    }
}
