using System;
using System.Threading;
using nanoFramework.Runtime.Native;

namespace AssetMeter.Firmware.Device
{
    /// <summary>
    /// A software watchdog for the metering loop: the loop reports each completed tick; a thread of its own reboots
    /// the device if no tick completes for <see cref="StallMilliseconds"/>. A reboot goes through the journal's
    /// recovery, the same path as a power cut, which the power-cut tests cover.
    /// </summary>
    /// <remarks>
    /// <para>nanoFramework has no managed watchdog (no API in nf-interpreter, CoreLibrary, Runtime.Native or
    /// Hardware.Esp32), and its ESP32 images do not start the ESP-IDF task watchdog. What this covers: a metering
    /// thread stuck in managed code (a loop, a deadlock, a wait that never ends) or throwing on every tick, because the
    /// interpreter time-slices managed threads and this one keeps running. What it does not cover: a hang inside a
    /// native call (the interpreter runs one native call at a time and this thread would be stuck behind it), a hung
    /// interpreter, or a silicon lock-up. Those need a hardware watchdog: a custom firmware build enabling the
    /// ESP-IDF task watchdog, or an external supervisor IC. A crash of the runtime itself ends in ESP-IDF's panic
    /// handler, which reboots by default (nanoFramework's sdkconfig does not change that).</para>
    /// <para>Not ExecutionConstraint: it would throw inside the tick that overran, leaving the meter's in-memory
    /// state half updated, whereas a reboot restarts from what the journal holds.</para>
    /// <para>The bound: a normal tick takes well under a second; a stuck I2C bus costs up to 1 s per transfer
    /// (ESP-IDF's timeout) and a tick makes tens of transfers, and signing a backlog of records costs about 0.2 s
    /// each. Two minutes is far beyond both.</para>
    /// </remarks>
    internal sealed class LoopSupervisor
    {
        /// <summary>Longest time without a completed tick before the device is rebooted.</summary>
        public const long StallMilliseconds = 120000;

        private const int CheckMilliseconds = 5000;

        private readonly object _lock = new object();
        private long _lastBeat;
        private Thread _thread;

        /// <summary>Starts watching; the clock starts now.</summary>
        public void Start()
        {
            Beat();
            _thread = new Thread(Run);
            _thread.Priority = ThreadPriority.AboveNormal;
            _thread.Start();
        }

        /// <summary>The metering loop completed a tick.</summary>
        public void Beat()
        {
            long now = Environment.TickCount64;
            lock (_lock)
            {
                _lastBeat = now;
            }
        }

        private void Run()
        {
            while (true)
            {
                Thread.Sleep(CheckMilliseconds);
                long last;
                lock (_lock)
                {
                    last = _lastBeat;
                }

                long silent = Environment.TickCount64 - last;
                if (silent > StallMilliseconds)
                {
                    Log.Write("WATCHDOG: no metering tick for " + (silent / 1000).ToString() + " s; rebooting");
                    Thread.Sleep(500);
                    Power.RebootDevice();
                }
            }
        }
    }
}
