# The seed article's script 1 (TensorFlow/Keras), kept for reference: TrainBench's fashion-mlp
# workload reproduces it. Run it where TensorFlow is installed to compare with
#   trainbench-cli run --workload fashion-mlp
import time

import tensorflow as tf

fashion_mnist = tf.keras.datasets.fashion_mnist
(train_images, train_labels), (test_images, test_labels) = fashion_mnist.load_data()

t0 = time.perf_counter()
train_images = train_images / 255.0
test_images = test_images / 255.0

model = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=(28, 28)),
    tf.keras.layers.Dense(128, activation='relu'),
    tf.keras.layers.Dense(10),
])
model.compile(optimizer='adam',
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=['accuracy'])
model.fit(train_images, train_labels, epochs=10)
test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
t1 = time.perf_counter()

print(f'Training set contained {len(train_images)} images')
print(f'Testing set contained {len(test_images)} images')
print(f'Model achieved {test_acc:.2f} testing accuracy')
print(f'Training and testing took {t1 - t0:.2f} seconds')
