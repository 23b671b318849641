/**
 * The devices of a pool: one per GPU and one for the CPU (or more CPU devices if asked), as
 * threads in this process or, with process isolation, as worker processes of their own. It
 * starts and closes them and tells waiters when any of them changes (a process died or came
 * back, an instance hung or was replaced).
 */
import type { Device, DeviceEvents, DeviceInfo, Isolation } from "../device/device.ts";
import { ProcessDevice } from "../device/process_device.ts";
import { ThreadDevice } from "../device/thread_device.ts";

export interface SupervisorOptions {
  gpus: number[];
  cpuDevices: number;
  isolation: Isolation;
  log: DeviceEvents["onLog"];
  onRestart(device: Device): void;
}

export class Supervisor {
  readonly devices: Device[];
  #watchers: Array<() => void> = [];

  constructor(options: SupervisorOptions) {
    const infos: DeviceInfo[] = [
      ...options.gpus.map((gpu): DeviceInfo => ({ id: `gpu${gpu}`, kind: "gpu", gpu })),
      ...Array.from(
        { length: options.cpuDevices },
        (_, i): DeviceInfo => ({ id: `cpu${i}`, kind: "cpu" }),
      ),
    ];
    this.devices = infos.map((info) => {
      const events: DeviceEvents = {
        onChange: () => this.#notify(),
        onRestart: () => options.onRestart(device),
        onLog: options.log,
      };
      const device: Device = options.isolation === "process"
        ? new ProcessDevice(info, events)
        : new ThreadDevice(info, events);
      return device;
    });
  }

  start(): Promise<void> {
    return Promise.all(this.devices.map((d) => d.start())).then(() => this.#notify());
  }

  device(id: string): Device {
    return this.devices.find((d) => d.id === id)!;
  }

  /** Resolves at the next change of any device. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.#watchers.push(resolve));
  }

  async close(): Promise<void> {
    await Promise.all(this.devices.map((d) => d.close()));
    this.#notify();
  }

  #notify() {
    for (const resolve of this.#watchers.splice(0)) resolve();
  }
}
