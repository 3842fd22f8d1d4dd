using System;
using System.Globalization;
using AssetMeter.Bench.Measurement;
using AssetMeter.Bench.MeterUnderTest;
using AssetMeter.Bench.Plan;
using AssetMeter.Hardware.Ade7953;
using AssetMeter.Hardware.Atm90e32;
using AssetMeter.Hardware.Metering;

namespace AssetMeter.Bench.Calibration
{
    /// <summary>
    /// The meter's error model fitted to three points of a run, and the correction that undoes it. The model is the
    /// one the drivers' <see cref="CalibrationCorrection"/> corrects: measured power = g·V·I·cos(φ + δ) + o (gain g,
    /// extra current lag δ, offset o per element). Two PF 1 points at different currents give g·cos δ and o (a straight
    /// line through power), the PF 0.5 lag point then gives δ exactly:
    /// tan δ = (cos 60° − (m − o) / (g·cos δ · V·I)) / sin 60°. The correction is gain 1/g, phase −δ, offset −o
    /// (the IC adds the offset after its gain, as ADE7953 AWATTOS does).
    /// </summary>
    public sealed class CalibrationFit
    {
        public required PointResult GainPoint { get; init; }

        public required PointResult PhasePoint { get; init; }

        public required PointResult OffsetPoint { get; init; }

        /// <summary>Fitted gain g (1.03: reads 3 % high).</summary>
        public double Gain { get; init; }

        /// <summary>Fitted extra current lag δ, degrees.</summary>
        public double PhaseErrorDegrees { get; init; }

        /// <summary>Fitted offset o per element, watts.</summary>
        public double OffsetWatts { get; init; }

        public CalibrationCorrection Correction
        {
            get
            {
                CalibrationCorrection c = CalibrationCorrection.None;
                c.GainFactor = 1.0 / Gain;
                c.PhaseDegrees = -PhaseErrorDegrees;
                c.OffsetWatts = -OffsetWatts;
                return c;
            }
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"gain {Gain:0.000000} (correction x{1.0 / Gain:0.000000}), phase error {PhaseErrorDegrees:0.0000}° (correction {-PhaseErrorDegrees:0.0000}°), offset {OffsetWatts:0.0000} W per element (correction {-OffsetWatts:0.0000} W), from {GainPoint.Point.Id}, {PhasePoint.Point.Id} and {OffsetPoint.Point.Id}");

        /// <summary>Fits the model to <paramref name="run"/>; throws <see cref="InvalidOperationException"/> when the run lacks the points.</summary>
        public static CalibrationFit From(BenchRun run)
        {
            double ib = run.Plan.Meter.BasicCurrent;
            PointResult gain = Pick(run, 0.0, p => -Math.Abs(p.Load.CurrentRms - ib), "PF 1 near Ib");
            PointResult phase = Pick(run, 60.0, p => -Math.Abs(p.Load.CurrentRms - ib), "PF 0.5 lag near Ib");
            PointResult low = Pick(run, 0.0, p => -p.Load.CurrentRms, "PF 1 at the lowest current");
            if (low.Load.CurrentRms >= gain.Load.CurrentRms * 0.5)
            {
                throw new InvalidOperationException("calibration needs a PF 1 point well below Ib (e.g. 0.05 Ib) to find the offset");
            }

            int phases = run.Plan.Meter.Phases;
            (double pHigh, double mHigh) = Powers(gain, phases);
            (double pLow, double mLow) = Powers(low, phases);
            (double pPhase, double mPhase) = Powers(phase, phases);
            double gainCos = (mHigh - mLow) / (pHigh - pLow);
            double offset = mHigh - (gainCos * pHigh);
            double angle = phase.Load.LoadAngleDegrees * Math.PI / 180.0;
            double voltAmperes = pPhase / Math.Cos(angle);
            double tanDelta = (Math.Cos(angle) - ((mPhase - offset) / (gainCos * voltAmperes))) / Math.Sin(angle);
            double delta = Math.Atan(tanDelta);
            return new CalibrationFit
            {
                GainPoint = gain,
                PhasePoint = phase,
                OffsetPoint = low,
                Gain = gainCos / Math.Cos(delta),
                PhaseErrorDegrees = delta * 180.0 / Math.PI,
                OffsetWatts = offset,
            };
        }

        // Per element: reference power and meter power, watts, over the time the load was on.
        private static (double Reference, double Meter) Powers(PointResult point, int phases)
        {
            double seconds = 0;
            foreach (Repetition r in point.Repetitions)
            {
                seconds += r.OnSeconds;
            }

            return (point.ReferenceWattHours * 3600.0 / seconds / phases, point.MeterWattHours * 3600.0 / seconds / phases);
        }

        private static PointResult Pick(BenchRun run, double angle, Func<PointResult, double> preference, string what)
        {
            PointResult? best = null;
            foreach (PointResult p in run.Points)
            {
                if (p.Point.Kind == PointKind.Accuracy && p.Failure == null && p.ErrorPercent != null && Math.Abs(p.Load.LoadAngleDegrees - angle) < 0.01
                    && (best == null || preference(p) > preference(best)))
                {
                    best = p;
                }
            }

            return best ?? throw new InvalidOperationException($"calibration needs a measured point at {what}; the run has none");
        }
    }

    /// <summary>Turns a fit into the calibration record the meter's IC takes, from the record in force.</summary>
    public static class CalibrationAssistant
    {
        /// <summary>
        /// The record in force on the meter: the one given (which must match the version the meter reports), or the
        /// part's nominal record when the meter reports version 0 (never calibrated).
        /// </summary>
        public static CalibrationRecord InForce(MeterInfo meter, CalibrationRecord? given)
        {
            if (meter.PartCode == 0)
            {
                throw new InvalidOperationException($"meter model '{meter.Model}' names no IC the bench knows (ADE7953, ATM90E32AS)");
            }

            if (given != null)
            {
                if (given.PartCode != meter.PartCode || given.Version != meter.CalibrationVersion)
                {
                    throw new InvalidOperationException(
                        $"the calibration file is version {given.Version} for part 0x{given.PartCode:X2}, but the meter runs version {meter.CalibrationVersion} of part 0x{meter.PartCode:X2}");
                }

                return given;
            }

            if (meter.CalibrationVersion != 0)
            {
                throw new InvalidOperationException(
                    $"the meter runs calibration version {meter.CalibrationVersion}: give the record in force (the bench saved it as calibration-v{meter.CalibrationVersion}.hex when it sent it) so that the correction builds on it");
            }

            return meter.PartCode == Ade7953Calibration.PartCode ? Ade7953Calibration.Nominal(0) : Atm90e32Calibration.Nominal();
        }

        /// <summary>
        /// The next record: <paramref name="correction"/> on top of <paramref name="inForce"/> (every element of a
        /// polyphase IC alike: the balanced test sees only their sum), version one higher, checked by the driver's rules.
        /// </summary>
        public static CalibrationRecord Next(CalibrationRecord inForce, CalibrationCorrection correction)
        {
            CalibrationRecord corrected;
            if (inForce.PartCode == Ade7953Calibration.PartCode)
            {
                corrected = Ade7953Calibration.Corrected(inForce, correction);
            }
            else
            {
                corrected = inForce;
                for (int phase = 0; phase < 3; phase++)
                {
                    corrected = Atm90e32Calibration.Corrected(corrected, phase, correction);
                }
            }

            var next = new CalibrationRecord(inForce.PartCode, inForce.Version + 1);
            for (int i = 0; i < corrected.Count; i++)
            {
                next.Set(corrected.AddressAt(i), corrected.ValueAt(i));
            }

            bool valid = inForce.PartCode == Ade7953Calibration.PartCode
                ? Ade7953Calibration.IsValid(next, out _, out _)
                : Atm90e32Calibration.IsValid(next, out _);
            if (!valid)
            {
                throw new InvalidOperationException("the correction takes a calibration register out of its range: the meter's error is beyond what the IC can correct (check the wiring and the reference)");
            }

            return next;
        }

        /// <summary>The record as the hex the <c>calibrate</c> command carries and the bench saves.</summary>
        public static string Hex(CalibrationRecord record) => Convert.ToHexStringLower(record.ToBytes());

        public static CalibrationRecord FromHex(string hex)
        {
            byte[] bytes = Convert.FromHexString(hex.Trim());
            return CalibrationRecord.ReadFrom(bytes, 0, bytes.Length) ?? throw new FormatException("not an intact calibration record (CAL1 with its CRC)");
        }
    }
}
