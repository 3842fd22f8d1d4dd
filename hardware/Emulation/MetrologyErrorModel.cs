using System;

namespace AssetMeter.Hardware.Emulation
{
    /// <summary>
    /// How an emulated chip's analogue front end and converters get active power wrong, per phase, before its
    /// calibration registers correct it: gain error, phase error (shows at PF 0.5 and 0.8), a power offset
    /// (shows at low current), noise, non-linearity (gain changing with current) and temperature drift.
    /// </summary>
    public sealed class MetrologyErrorModel
    {
        /// <summary>A perfect front end.</summary>
        public static MetrologyErrorModel Ideal => new();

        /// <summary>Relative gain error (0.05: reads 5% high).</summary>
        public double GainError { get; init; }

        /// <summary>Extra lag of the current channel, degrees (the CT's phase error).</summary>
        public double PhaseErrorDegrees { get; init; }

        /// <summary>Power read when none flows, watts.</summary>
        public double OffsetWatts { get; init; }

        /// <summary>Standard deviation of the power noise, watts (zero mean: it averages out).</summary>
        public double NoiseWatts { get; init; }

        /// <summary>Extra relative gain at full-scale current, growing with the square of the current.</summary>
        public double NonLinearityAtFullScale { get; init; }

        /// <summary>Full-scale current of the front end, amperes (for non-linearity).</summary>
        public double FullScaleCurrent { get; init; } = 100.0;

        /// <summary>Relative gain change per °C away from 23 °C.</summary>
        public double TemperatureCoefficientPerKelvin { get; init; }

        /// <summary>
        /// Power read at rated voltage with no current flowing, watts (crosstalk from the voltage channel), growing
        /// with the square of the voltage. The chip's no-load threshold stops it from counting unless it is larger
        /// than the threshold: then the meter creeps.
        /// </summary>
        public double NoLoadWatts { get; init; }

        /// <summary>The voltage at which <see cref="NoLoadWatts"/> is given, volts.</summary>
        public double RatedVoltage { get; init; } = 230.0;

        /// <summary>
        /// The active power the chip computes for <paramref name="load"/>, with the chip's calibration terms
        /// applied: gain, phase compensation and offset registers.
        /// </summary>
        public double MeasuredActivePower(PhaseLoad load, ChipCalibrationTerms calibration, double temperatureCelsius, Random noise)
        {
            // With no current only crosstalk is measured (nothing at all without voltage); the chip's own no-load
            // threshold decides whether it is counted.
            if (load.CurrentRms == 0 || load.VoltageRms == 0)
            {
                double ratio = load.VoltageRms / RatedVoltage;
                return NoLoadWatts * ratio * ratio;
            }

            double currentFraction = load.CurrentRms / FullScaleCurrent;
            double gain = (1.0 + GainError + (NonLinearityAtFullScale * currentFraction * currentFraction)
                + (TemperatureCoefficientPerKelvin * (temperatureCelsius - 23.0))) * calibration.GainFactor;
            double angle = (load.LoadAngleDegrees + PhaseErrorDegrees + calibration.PhaseDegrees) * Math.PI / 180.0;
            double power = gain * load.VoltageRms * load.CurrentRms * Math.Cos(angle);
            return power + OffsetWatts + calibration.OffsetWatts + (NoiseWatts == 0 ? 0.0 : NoiseWatts * Gaussian(noise));
        }

        private static double Gaussian(Random random)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }
    }

    /// <summary>What a chip's calibration registers do to its power measurement, decoded by its emulator.</summary>
    public readonly record struct ChipCalibrationTerms(double GainFactor, double PhaseDegrees, double OffsetWatts)
    {
        /// <summary>Registers at their reset values: no correction.</summary>
        public static ChipCalibrationTerms Nominal => new(1.0, 0.0, 0.0);
    }
}
