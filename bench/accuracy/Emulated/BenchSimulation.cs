using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Bench.Plan;
using AssetMeter.Bench.Pulse;
using AssetMeter.Bench.Run;
using AssetMeter.Hardware.Emulation;

namespace AssetMeter.Bench.Emulated
{
    /// <summary>
    /// One simulated clock for everything on the emulated bench, run by a thread of its own. While the bench waits
    /// (settle, dwell) time moves in one-second steps, paced at <see cref="Speed"/> simulated seconds per real second
    /// (0: as fast as the machine goes); the meter, its IC and the reference all move together. While the bench reads
    /// or sends commands, time stands still and the meter is only ticked, so that it answers at once and both
    /// meters are read at the same instant.
    /// </summary>
    public sealed class BenchSimulation : IDisposable
    {
        private readonly Action _step;
        private readonly Action _idle;
        private readonly Func<double> _now;
        private readonly Thread _thread;
        private double _target;
        private TaskCompletionSource? _reached;
        private volatile bool _stop;
        private Exception? _failure;

        /// <param name="gate">The lock under which simulation state is read or changed.</param>
        /// <param name="step">Moves everything one second on (called under <see cref="Gate"/>).</param>
        /// <param name="idle">A tick in which no time passes (the meter handles its commands).</param>
        /// <param name="now">Simulated seconds.</param>
        public BenchSimulation(object gate, Action step, Action idle, Func<double> now, double speed)
        {
            Gate = gate;
            _step = step;
            _idle = idle;
            _now = now;
            Speed = speed;
            _thread = new Thread(Run) { IsBackground = true, Name = "emulated bench clock" };
            _thread.Start();
        }

        /// <summary>The lock under which simulation state is read or changed.</summary>
        public object Gate { get; }

        /// <summary>Simulated seconds per real second; 0 runs unpaced.</summary>
        public double Speed { get; set; }

        public double Now
        {
            get
            {
                lock (Gate)
                {
                    return _now();
                }
            }
        }

        /// <summary>Runs simulated time forward by <paramref name="seconds"/> (whole steps, rounded up).</summary>
        public Task AdvanceAsync(double seconds, CancellationToken cancel)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (Gate)
            {
                if (_failure != null)
                {
                    throw new InvalidOperationException("the emulated bench stopped: " + _failure.Message, _failure);
                }

                _target = _now() + seconds;
                _reached = reached;
            }

            return reached.Task.WaitAsync(cancel);
        }

        private void Run()
        {
            var wall = Stopwatch.StartNew();
            double simulatedAtStart = 0;
            bool advancing = false;
            while (!_stop)
            {
                try
                {
                    TaskCompletionSource? done = null;
                    bool stepped = false;
                    lock (Gate)
                    {
                        if (_reached != null && _now() < _target - 1e-9)
                        {
                            if (!advancing)
                            {
                                advancing = true;
                                wall.Restart();
                                simulatedAtStart = _now();
                            }

                            _step();
                            stepped = true;
                        }
                        else
                        {
                            if (_reached != null)
                            {
                                done = _reached;
                                _reached = null;
                            }

                            advancing = false;
                            _idle();
                        }
                    }

                    done?.TrySetResult();
                    if (stepped && Speed > 0)
                    {
                        double ahead = ((Now - simulatedAtStart) / Speed) - wall.Elapsed.TotalSeconds;
                        if (ahead > 0.001)
                        {
                            Thread.Sleep(TimeSpan.FromSeconds(ahead));
                        }
                    }
                    else if (!stepped)
                    {
                        Thread.Sleep(1);
                    }
                }
                catch (Exception e)
                {
                    TaskCompletionSource? waiting;
                    lock (Gate)
                    {
                        _failure = e;
                        waiting = _reached;
                        _reached = null;
                    }

                    waiting?.TrySetException(e);
                    return;
                }
            }
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join(5000);
        }
    }

    /// <summary>The bench clock over the simulation: UTC of the simulated instant.</summary>
    public sealed class SimulatedBenchClock : IBenchClock
    {
        private readonly BenchSimulation _simulation;
        private readonly DateTime _startUtc;

        public SimulatedBenchClock(BenchSimulation simulation, DateTime startUtc)
        {
            _simulation = simulation;
            _startUtc = startUtc;
        }

        public DateTime UtcNow => _startUtc.AddSeconds(_simulation.Now);

        public Task WaitAsync(TimeSpan duration, CancellationToken cancel) => _simulation.AdvanceAsync(duration.TotalSeconds, cancel);
    }

    /// <summary>A programmable source: sets the load scenario of the emulated meter and reference from now on.</summary>
    public sealed class EmulatedLoadSource : ILoadSource
    {
        private readonly BenchSimulation _simulation;
        private readonly LoadScenario _load;
        private readonly Func<double> _now;

        public EmulatedLoadSource(BenchSimulation simulation, LoadScenario load, Func<double> now)
        {
            _simulation = simulation;
            _load = load;
            _now = now;
        }

        public string Description => "emulated programmable source (voltage, current and angle set exactly, changes instantaneous)";

        public Task ApplyAsync(LoadSetting load, CancellationToken cancel)
        {
            Set(new PhaseLoad(load.VoltageRms, load.CurrentRms, load.LoadAngleDegrees));
            return Task.CompletedTask;
        }

        public Task CurrentOffAsync(double volts, CancellationToken cancel)
        {
            Set(PhaseLoad.Idle(volts));
            return Task.CompletedTask;
        }

        private void Set(PhaseLoad load)
        {
            lock (_simulation.Gate)
            {
                _load.From(_now(), load);
            }
        }
    }

    /// <summary>Pulses counted from something in the simulation (the reference's output, the meter's register).</summary>
    public sealed class EmulatedPulseSource : IPulseSource
    {
        private readonly object _gate;
        private readonly Func<long> _count;

        public EmulatedPulseSource(string description, object gate, Func<long> count)
        {
            Description = description;
            _gate = gate;
            _count = count;
        }

        public string Description { get; }

        public long Count
        {
            get
            {
                lock (_gate)
                {
                    return _count();
                }
            }
        }

        public void Dispose()
        {
        }
    }
}
