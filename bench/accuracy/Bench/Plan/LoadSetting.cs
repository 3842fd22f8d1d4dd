using System;
using System.Globalization;

namespace AssetMeter.Bench.Plan
{
    /// <summary>
    /// What the source applies at a point, per element: RMS voltage and current and the angle by which the current
    /// lags the voltage (0 at PF 1, 60 at PF 0.5 lag, -36.87 at PF 0.8 lead).
    /// </summary>
    public readonly record struct LoadSetting(double VoltageRms, double CurrentRms, double LoadAngleDegrees, int Phases)
    {
        /// <summary>Active power of all loaded elements, watts.</summary>
        public double ActivePowerWatts => Phases * VoltageRms * CurrentRms * Math.Cos(LoadAngleDegrees * Math.PI / 180.0);

        public double PowerFactor => Math.Cos(LoadAngleDegrees * Math.PI / 180.0);

        /// <summary>Resolves a plan point against the meter's ratings.</summary>
        public static LoadSetting Of(TestPoint point, MeterRatings ratings)
            => new(Voltage(point.Voltage, ratings), Current(point.Current, ratings), LoadAngle(point.PowerFactor), ratings.Phases);

        /// <summary>"Un", "1.15 Un", "230 V".</summary>
        public static double Voltage(string text, MeterRatings ratings)
        {
            (double factor, string unit) = Split(text, "voltage");
            return unit switch
            {
                "un" => factor * ratings.NominalVoltage,
                "v" => factor,
                _ => throw new FormatException($"voltage '{text}' is not 'Un', '<n> Un' or '<n> V'"),
            };
        }

        /// <summary>"Ib", "0.05 Ib", "In", "Imax", "0.5 Imax", "2.5 A", "0".</summary>
        public static double Current(string text, MeterRatings ratings)
        {
            if (text.Trim() == "0")
            {
                return 0.0;
            }

            (double factor, string unit) = Split(text, "current");
            return unit switch
            {
                "ib" or "in" => factor * ratings.BasicCurrent,
                "imax" => factor * ratings.MaximumCurrent,
                "a" => factor,
                _ => throw new FormatException($"current '{text}' is not 'Ib', '<n> Ib', 'Imax', '<n> Imax' or '<n> A'"),
            };
        }

        /// <summary>"1", "0.5 lag", "0.5 ind", "0.8 lead", "0.8 cap": the load angle in degrees.</summary>
        public static double LoadAngle(string text)
        {
            string[] parts = text.Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0 || parts.Length > 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double pf) || pf <= 0 || pf > 1)
            {
                throw new FormatException($"power factor '{text}' is not '1', '<pf> lag' or '<pf> lead' with 0 < pf <= 1");
            }

            double angle = Math.Acos(pf) * 180.0 / Math.PI;
            if (parts.Length == 1)
            {
                return pf == 1 ? 0.0 : throw new FormatException($"power factor '{text}' needs 'lag' or 'lead'");
            }

            return parts[1] switch
            {
                "lag" or "ind" or "inductive" => angle,
                "lead" or "cap" or "capacitive" => -angle,
                _ => throw new FormatException($"power factor '{text}': '{parts[1]}' is neither lag nor lead"),
            };
        }

        private static (double Factor, string Unit) Split(string text, string what)
        {
            string[] parts = text.Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 1 && !char.IsDigit(parts[0][0]))
            {
                return (1.0, parts[0]);
            }

            if (parts.Length == 2 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double factor) && factor >= 0)
            {
                return (factor, parts[1]);
            }

            throw new FormatException($"{what} '{text}' is not '<number> <unit>'");
        }
    }
}
