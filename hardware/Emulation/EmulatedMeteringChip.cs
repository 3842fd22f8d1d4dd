using System;

namespace AssetMeter.Hardware.Emulation
{
    /// <summary>
    /// What every emulated metering IC shares: simulated time, the load scenario, the true energy that flowed
    /// (what a perfect reference meter would have counted), and the measured power each phase's front end
    /// produces through the error model and the chip's calibration registers. A chip emulator turns the
    /// measured energy into its own register semantics in <see cref="Accumulate"/>.
    /// </summary>
    public abstract class EmulatedMeteringChip
    {
        /// <summary>Longest simulated step: noise and temperature are drawn once per step.</summary>
        public const double MaximumStepSeconds = 1.0;

        private readonly MetrologyErrorModel[] _errors;
        private readonly double[] _measuredWattHours;
        private readonly double[] _measuredWatts;

        protected EmulatedMeteringChip(LoadScenario scenario, MetrologyErrorModel[] errors, int seed)
        {
            if (errors.Length != scenario.PhaseCount)
            {
                throw new ArgumentException("one error model per phase", nameof(errors));
            }

            Scenario = scenario;
            _errors = errors;
            _measuredWattHours = new double[scenario.PhaseCount];
            _measuredWatts = new double[scenario.PhaseCount];
            Noise = new Random(seed);
        }

        /// <summary>The load over time.</summary>
        public LoadScenario Scenario { get; }

        /// <summary>Simulated seconds since the emulator was created.</summary>
        public double Now { get; private set; }

        /// <summary>True active energy imported, Wh: the sum over phases of power, when positive (as a polyphase reference meter counts).</summary>
        public double TrueImportWattHours { get; private set; }

        /// <summary>True active energy exported, Wh.</summary>
        public double TrueExportWattHours { get; private set; }

        /// <summary>False while the chip is unpowered (no energy is measured or counted).</summary>
        public bool Powered { get; private set; } = true;

        protected Random Noise { get; }

        /// <summary>The measured active power of each phase in the last step, watts.</summary>
        protected double[] MeasuredWatts => _measuredWatts;

        /// <summary>The error model of a phase.</summary>
        public MetrologyErrorModel ErrorOf(int phase) => _errors[phase];

        /// <summary>Runs simulated time forward, integrating true and measured energy.</summary>
        public void Advance(double seconds)
        {
            if (seconds < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(seconds));
            }

            double end = Now + seconds;
            while (Now < end)
            {
                double step = Math.Min(Math.Min(end, Scenario.NextChangeAfter(Now)) - Now, MaximumStepSeconds);
                double temperature = Scenario.TemperatureCelsius(Now);
                double trueWatts = 0.0;
                for (int phase = 0; phase < Scenario.PhaseCount; phase++)
                {
                    PhaseLoad load = Scenario.At(Now, phase);
                    trueWatts += load.CurrentRms == 0 ? 0.0 : load.ActivePowerWatts;
                    _measuredWatts[phase] = Powered ? _errors[phase].MeasuredActivePower(load, TermsFor(phase), temperature, Noise) : 0.0;
                    _measuredWattHours[phase] = _measuredWatts[phase] * step / 3600.0;
                }

                if (Powered)
                {
                    double trueWattHours = trueWatts * step / 3600.0;
                    if (trueWattHours >= 0)
                    {
                        TrueImportWattHours += trueWattHours;
                    }
                    else
                    {
                        TrueExportWattHours -= trueWattHours;
                    }

                    Accumulate(_measuredWattHours, step);
                }

                Now += step;
            }
        }

        /// <summary>Cuts the chip's power: from now until <see cref="PowerUp"/> nothing is measured, and its registers are lost.</summary>
        public void PowerDown()
        {
            Powered = false;
        }

        /// <summary>Restores power: the chip restarts with its reset defaults (as after a real brown-out).</summary>
        public void PowerUp()
        {
            Powered = true;
            ResetToDefaults();
        }

        /// <summary>The chip resets by itself (watchdog, supply glitch): registers and configuration back to defaults.</summary>
        public void SpontaneousReset() => ResetToDefaults();

        /// <summary>What the chip's calibration registers do to phase <paramref name="phase"/>.</summary>
        protected abstract ChipCalibrationTerms TermsFor(int phase);

        /// <summary>Adds measured energy (Wh per phase, signed) for a step of <paramref name="seconds"/> to the energy registers.</summary>
        protected abstract void Accumulate(double[] measuredWattHoursPerPhase, double seconds);

        /// <summary>Puts every register back to its power-on value.</summary>
        protected abstract void ResetToDefaults();
    }
}
